//! Cleaning up Chinese text that arrives as pasted, converted or saved
//! documents: web residue removed, lines broken in mid-sentence joined,
//! `一、`/`（一）` lines turned into headings, spaces between Chinese
//! characters removed, ASCII punctuation between them made full-width, and
//! Markdown syntax that should stay literal (`**市`) escaped.
//!
//! Pure text in, Markdown and a [`Log`] of every change out. Used by
//! `huiwen import` (the readers give [`Line`]s), `huiwen tidy` (a report's
//! Markdown body), the build's residue and structure warnings and report
//! summaries, so all of them agree on what is residue and what is a heading.
//!
//! The steps, in order: residue and repeated titles are removed ([`junk`]);
//! lines are cut where a PDF copy left spaces for line breaks or where a
//! heading number follows a sentence ([`split`]); the pieces are grouped into
//! paragraphs ([`join`]); paragraphs that start with a number become headings
//! or lists ([`blocks`]); and each block's text is fixed ([`inline`]).

pub mod blocks;
pub mod chars;
pub mod dates;
pub mod inline;
pub mod join;
pub mod junk;
pub mod markdown;
pub mod markers;
pub mod split;
pub mod summary;

use junk::{Matcher, Verdict};

/// One line of input, as a reader or the Markdown scanner gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Where it came from: a line of the file, a paragraph of a Word document.
    pub at: usize,
    pub text: String,
    pub kind: Kind,
}

impl Line {
    pub fn new(at: usize, text: impl Into<String>, kind: Kind) -> Line {
        Line {
            at,
            text: text.into(),
            kind,
        }
    }

    /// The lines of a plain text, numbered from 1: blank ones are breaks.
    pub fn plain(text: &str) -> Vec<Line> {
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                let kind = if l.trim().is_empty() {
                    Kind::Break
                } else {
                    Kind::Text
                };
                Line::new(i + 1, l, kind)
            })
            .collect()
    }
}

/// What a line is known to be before its text is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Running text whose structure is to be recovered.
    Text,
    /// A heading known from the source (a Word heading style, `## …` in
    /// Markdown), at this Markdown level.
    Heading(u8),
    /// Markdown written out as it is: tables, lists, images, code, footnotes.
    Verbatim,
    /// A paragraph boundary: a blank line, the end of a Word paragraph.
    Break,
}

/// Whether [`Kind::Text`] lines are plain text (escaped on output) or Markdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Plain,
    Markdown,
}

/// How to tidy.
pub struct Options<'a> {
    pub source: Source,
    /// The document's title (as cleaned and as found): a body line repeating it is removed.
    pub titles: &'a [String],
    pub junk: &'a Matcher,
}

/// A line taken out, or kept but worth a look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub at: usize,
    pub text: String,
    /// Why, for people: `下载提示（匹配“VIP*下载”）`.
    pub why: String,
}

/// A heading made from a numbered line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub at: usize,
    pub level: u8,
    pub text: String,
}

/// Everything tidying did, to show the user.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Log {
    pub removed: Vec<Removed>,
    /// Lines that look like residue but were kept (too long to be only residue, addresses).
    pub suspects: Vec<Removed>,
    /// Line breaks inside a sentence taken out.
    pub joined: usize,
    /// Paragraph breaks put in (lines that were one paragraph, headings run into text).
    pub split: usize,
    pub headings: Vec<Heading>,
    /// Numbered lines made into lists.
    pub list_items: usize,
    /// Characters changed: spaces removed, punctuation made full-width, syntax escaped.
    pub spaces: usize,
    pub punctuation: usize,
    pub escaped: usize,
}

impl Log {
    /// Whether anything at all was changed.
    pub fn changed(&self) -> bool {
        !self.removed.is_empty()
            || self.joined + self.split + self.list_items > 0
            || !self.headings.is_empty()
            || self.spaces + self.punctuation + self.escaped > 0
    }
}

/// The Markdown made and what was done.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub markdown: String,
    pub log: Log,
}

/// Tidies a document given as lines (see the module comment for the steps).
pub fn tidy(lines: Vec<Line>, opts: &Options<'_>) -> Outcome {
    let mut log = Log::default();
    let lines = remove_residue(lines, opts, &mut log);
    let pieces = split::pieces(lines);
    let paragraphs = join::paragraphs(pieces, opts.source, &mut log);
    let blocks = blocks::structure(paragraphs, &mut log);
    let markdown = blocks::write(&blocks, opts.source, &mut log);
    Outcome { markdown, log }
}

/// Tidies the body of a Markdown file (the part after the front matter);
/// line numbers in the log count from `first_line`.
pub fn tidy_markdown(body: &str, first_line: usize, opts: &Options<'_>) -> Outcome {
    tidy(markdown::scan(body, first_line), opts)
}

/// Drops residue lines and lines repeating the title. In plain text a
/// removed line also takes the blank lines around it, so a sentence broken
/// by a page number (`…教育` / `- 3 -` / `质量…`) can be joined again.
fn remove_residue(lines: Vec<Line>, opts: &Options<'_>, log: &mut Log) -> Vec<Line> {
    let titles: Vec<String> = opts
        .titles
        .iter()
        .map(|t| compact(t))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut after_removed = false;
    for mut line in lines {
        let judged = matches!(line.kind, Kind::Text | Kind::Heading(_));
        if line.kind == Kind::Break && after_removed && opts.source == Source::Plain {
            continue;
        }
        after_removed = false;
        if !judged {
            out.push(line);
            continue;
        }
        let plain = inline::strip_marks(&line.text).into_owned();
        let why = match opts.junk.judge(&plain) {
            Verdict::Remove(hit) => Some(format!(
                "{}（匹配“{}”）",
                hit.rule.class.label(),
                hit.rule.pattern
            )),
            Verdict::Suspect(hit) => {
                log.suspects.push(Removed {
                    at: line.at,
                    text: plain.clone(),
                    why: format!(
                        "疑似{}（匹配“{}”）",
                        hit.rule.class.label(),
                        hit.rule.pattern
                    ),
                });
                None
            }
            Verdict::Clean => None,
        };
        let why = why.or_else(|| {
            let c = compact(&plain);
            titles.contains(&c).then(|| "重复的标题".to_owned())
        });
        if let Some(why) = why {
            log.removed.push(Removed {
                at: line.at,
                text: plain,
                why,
            });
            after_removed = true;
            if opts.source == Source::Plain {
                while out.last().is_some_and(|l| l.kind == Kind::Break) {
                    out.pop();
                }
            }
            continue;
        }
        let rest = titles
            .iter()
            .find_map(|t| after_title(&line.text, t).filter(|(_, spaced)| *spaced));
        if let Some((rest, _)) = rest.filter(|(r, _)| !r.is_empty()) {
            log.removed.push(Removed {
                at: line.at,
                text: line.text[..line.text.len() - rest.len()].trim().to_owned(),
                why: "重复的标题".to_owned(),
            });
            line.text = rest.to_owned();
        }
        out.push(line);
    }
    out
}

/// What follows a copy of `title` (given [`compact`]) at the start of
/// `line`, and whether a space separated them (a PDF copy that lost the line
/// break after the title: `标题 尊敬的各位领导…`).
pub(crate) fn after_title<'a>(line: &'a str, title: &str) -> Option<(&'a str, bool)> {
    let mut rest = line.trim_start();
    for c in title.chars() {
        rest = rest.trim_start_matches(chars::is_space);
        let next = rest.chars().next()?;
        if chars::narrow(next) != c {
            return None;
        }
        rest = &rest[next.len_utf8()..];
    }
    let after = rest.trim_start_matches(chars::is_space);
    Some((after, after.len() < rest.len()))
}

/// Text without spaces and with full-width ASCII forms as ASCII, for
/// comparing a line with the title.
pub(crate) fn compact(s: &str) -> String {
    s.chars()
        .filter(|&c| !chars::is_space(c))
        .map(chars::narrow)
        .collect()
}

#[cfg(test)]
mod tests;
