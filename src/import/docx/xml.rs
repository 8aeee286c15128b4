//! A thin layer over quick-xml for Word's XML parts: elements by local
//! name, attribute values, text with entity references resolved, and a bound
//! on nesting so a hostile part cannot exhaust anything.

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::import::ImportError;

/// The deepest nesting of elements accepted.
const MAX_DEPTH: usize = 512;

/// One step through a part.
pub enum Node<'a> {
    Open(BytesStart<'a>),
    Empty(BytesStart<'a>),
    Close(BytesEnd<'a>),
    Text(Cow<'a, str>),
    Eof,
}

/// A reader over one part.
pub struct Xml<'a> {
    reader: Reader<&'a [u8]>,
    part: &'a str,
    depth: usize,
}

impl<'a> Xml<'a> {
    pub fn new(bytes: &'a [u8], part: &'a str) -> Xml<'a> {
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().trim_text(false);
        Xml {
            reader,
            part,
            depth: 0,
        }
    }

    /// The next element, end or text (declarations, comments and the like skipped).
    pub fn next(&mut self) -> Result<Node<'a>, ImportError> {
        loop {
            let ev = self
                .reader
                .read_event()
                .map_err(|e| self.error(e.to_string()))?;
            return Ok(match ev {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(self.error(format!("元素嵌套超过 {MAX_DEPTH} 层")));
                    }
                    Node::Open(e)
                }
                Event::Empty(e) => Node::Empty(e),
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    Node::Close(e)
                }
                Event::Text(t) => Node::Text(t.xml10_content()),
                Event::CData(t) => Node::Text(t.xml10_content()),
                Event::GeneralRef(r) => {
                    let name = r.xml10_content();
                    if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => Node::Text(Cow::Owned(c.to_string())),
                            _ => continue,
                        }
                    } else {
                        match resolve_predefined_entity(&name) {
                            Some(s) => Node::Text(Cow::Borrowed(s)),
                            None => continue,
                        }
                    }
                }
                Event::Eof => Node::Eof,
                _ => continue,
            });
        }
    }

    pub fn error(&self, message: String) -> ImportError {
        ImportError::Xml {
            part: self.part.to_owned(),
            message,
        }
    }
}

/// An element's local name (`w:p` → `p`).
pub fn local<'b>(e: &'b BytesStart<'_>) -> &'b [u8] {
    e.local_name().into_inner().as_bytes()
}

/// An end tag's local name.
pub fn local_end<'b>(e: &'b BytesEnd<'_>) -> &'b [u8] {
    e.local_name().into_inner().as_bytes()
}

/// The value of the attribute with local name `name` (`w:val` → `val`).
pub fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().into_inner().as_bytes() == name)
            .then(|| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .ok()
                    .map(Cow::into_owned)
            })
            .flatten()
    })
}

/// A boolean property such as `<w:b/>` or `<w:b w:val="0"/>`.
pub fn on(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, b"val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}
