//! A small document tree for html5ever to build: nodes in one vector,
//! each element with the source line it started on (for reporting removed
//! lines). Only what reading a saved page needs; nothing is ever rendered
//! from it.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use html5ever::interface::tree_builder::{
    ElemName, ElementFlags, NodeOrText, QuirksMode, TreeSink,
};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{Attribute, LocalName, Namespace, QualName, parse_document};

/// A node of the tree.
#[derive(Debug)]
pub struct Node {
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub data: Data,
    /// Source line where the node began.
    pub line: u64,
}

#[derive(Debug)]
pub enum Data {
    Document,
    Element {
        name: QualName,
        attrs: Vec<Attribute>,
    },
    Text(String),
    /// Comments, processing instructions, template contents.
    Other,
}

/// The parsed page.
#[derive(Debug)]
pub struct Dom {
    pub nodes: Vec<Node>,
}

impl Dom {
    pub fn parse(text: &str) -> Dom {
        let sink = Sink {
            nodes: RefCell::new(vec![Node {
                parent: None,
                children: Vec::new(),
                data: Data::Document,
                line: 1,
            }]),
            line: Cell::new(1),
        };
        parse_document(sink, Default::default()).one(StrTendril::from(text))
    }

    /// The element's tag name (lower case), if the node is an element.
    pub fn tag(&self, i: usize) -> Option<&str> {
        match &self.nodes[i].data {
            Data::Element { name, .. } => Some(&name.local),
            _ => None,
        }
    }

    pub fn attr(&self, i: usize, name: &str) -> Option<&str> {
        match &self.nodes[i].data {
            Data::Element { attrs, .. } => attrs
                .iter()
                .find(|a| &*a.name.local == name)
                .map(|a| &*a.value),
            _ => None,
        }
    }

    /// The nodes below `root` in document order (without recursion: pages
    /// may nest deeper than a stack allows).
    pub fn descendants(&self, root: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.nodes[root].children.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.nodes[i].children.iter().rev());
        }
        out
    }

    /// All the text below `root`.
    pub fn text(&self, root: usize) -> String {
        let mut s = String::new();
        for i in self.descendants(root) {
            if let Data::Text(t) = &self.nodes[i].data {
                s.push_str(t);
            }
        }
        s
    }
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
    line: Cell<u64>,
}

/// An element's name, owned: the tree is behind a `RefCell`, so names cannot be lent out.
#[derive(Debug)]
pub struct Name(QualName);

impl ElemName for Name {
    fn ns(&self) -> &Namespace {
        &self.0.ns
    }
    fn local_name(&self) -> &LocalName {
        &self.0.local
    }
}

impl Sink {
    fn add(&self, data: Data) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node {
            parent: None,
            children: Vec::new(),
            data,
            line: self.line.get(),
        });
        nodes.len() - 1
    }

    fn detach(&self, child: usize) {
        let mut nodes = self.nodes.borrow_mut();
        if let Some(p) = nodes[child].parent.take() {
            nodes[p].children.retain(|&c| c != child);
        }
    }

    /// Appends text to `parent`'s last child if that is text, else adds a text node at `index`.
    fn text_at(&self, parent: usize, index: usize, text: &str) {
        {
            let mut nodes = self.nodes.borrow_mut();
            let prev = index
                .checked_sub(1)
                .and_then(|k| nodes[parent].children.get(k).copied());
            if let Some(prev) = prev
                && let Data::Text(t) = &mut nodes[prev].data
            {
                t.push_str(text);
                return;
            }
        }
        let node = self.add(Data::Text(text.to_owned()));
        let mut nodes = self.nodes.borrow_mut();
        nodes[node].parent = Some(parent);
        nodes[parent].children.insert(index, node);
    }

    fn insert(&self, parent: usize, index: usize, child: NodeOrText<usize>) {
        match child {
            NodeOrText::AppendText(t) => self.text_at(parent, index, &t),
            NodeOrText::AppendNode(n) => {
                self.detach(n);
                let mut nodes = self.nodes.borrow_mut();
                let index = index.min(nodes[parent].children.len());
                nodes[n].parent = Some(parent);
                nodes[parent].children.insert(index, n);
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Dom;
    type ElemName<'a> = Name;

    fn finish(self) -> Dom {
        Dom {
            nodes: self.nodes.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Name {
        match &self.nodes.borrow()[*target].data {
            Data::Element { name, .. } => Name(name.clone()),
            // The tree builder asks only about elements; answer harmlessly otherwise.
            _ => Name(QualName::new(
                None,
                Namespace::from(""),
                LocalName::from(""),
            )),
        }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _flags: ElementFlags) -> usize {
        self.add(Data::Element { name, attrs })
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        self.add(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.add(Data::Other)
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        let end = self.nodes.borrow()[*parent].children.len();
        self.insert(*parent, end, child);
    }

    fn append_based_on_parent_node(&self, element: &usize, prev: &usize, child: NodeOrText<usize>) {
        if self.nodes.borrow()[*element].parent.is_some() {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, _target: &usize) -> usize {
        // Template contents are never shown: a detached node takes them.
        self.add(Data::Other)
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &usize, child: NodeOrText<usize>) {
        let parent = self.nodes.borrow()[*sibling].parent;
        let Some(parent) = parent else {
            return;
        };
        let index = self.nodes.borrow()[parent]
            .children
            .iter()
            .position(|c| c == sibling)
            .unwrap_or(0);
        self.insert(parent, index, child);
    }

    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        if let Data::Element { attrs: have, .. } = &mut self.nodes.borrow_mut()[*target].data {
            for a in attrs {
                if !have.iter().any(|h| h.name == a.name) {
                    have.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &usize) {
        self.detach(*target);
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let mut nodes = self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[*node].children);
        for &c in &children {
            nodes[c].parent = Some(*new_parent);
        }
        nodes[*new_parent].children.extend(children);
    }

    fn set_current_line(&self, line: u64) {
        self.line.set(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_tree_with_lines() {
        let dom = Dom::parse("<html><body>\n<div id=a>甲<p>乙</p>\n<p>丙<b>丁</b></div>");
        let body: Vec<usize> = (0..dom.nodes.len())
            .filter(|&i| dom.tag(i) == Some("div"))
            .collect();
        assert_eq!(body.len(), 1);
        assert_eq!(dom.attr(body[0], "id"), Some("a"));
        assert_eq!(dom.text(body[0]), "甲乙\n丙丁");
        let p2 = (0..dom.nodes.len())
            .filter(|&i| dom.tag(i) == Some("p"))
            .nth(1)
            .unwrap();
        assert_eq!(dom.nodes[p2].line, 3);
    }

    #[test]
    fn misnested_and_deep_markup_does_not_break_it() {
        let deep = "<div>".repeat(1_900) + "深" + &"</div>".repeat(1_900);
        let dom = Dom::parse(&deep);
        assert_eq!(dom.text(0), "深");
        let dom = Dom::parse("<b>一<i>二</b>三</i><table><tr>四<td>五</table>");
        assert_eq!(dom.text(0), "一二三四五");
    }
}
