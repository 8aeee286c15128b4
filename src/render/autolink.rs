//! Links from names: the first mention of a town, belt or alliance in a
//! report's text links to its page.
//!
//! One Aho-Corasick automaton over all entity names serves every report, so a
//! site with thousands of entities costs one pass over each text run.
//! Leftmost-longest matching makes `敬仲镇中心学校` prefer a longer entity name
//! when one exists. Names shorter than two characters are never linked (too
//! likely to be part of another word).

use aho_corasick::{AhoCorasick, MatchKind};

use crate::base::ids::SitePath;
use crate::model::Site;

pub struct AutoLinker {
    automaton: Option<AhoCorasick>,
    /// Per pattern: the entity index and its page.
    targets: Vec<(usize, SitePath)>,
}

impl AutoLinker {
    pub fn new(site: &Site) -> AutoLinker {
        let mut names = Vec::new();
        let mut targets = Vec::new();
        for (i, e) in site.entities.all.iter().enumerate() {
            if e.name.chars().count() >= 2 {
                names.push(e.name.clone());
                targets.push((i, e.path.clone()));
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .ok();
        AutoLinker { automaton, targets }
    }

    /// Splits `text` into plain runs and first mentions not yet in `linked`:
    /// `(start, end, entity, path)` byte ranges into `text`.
    pub fn mentions(&self, text: &str, linked: &mut Vec<usize>) -> Vec<(usize, usize, &SitePath)> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_iter(text) {
            let (entity, path) = &self.targets[m.pattern().as_usize()];
            if linked.contains(entity) {
                continue;
            }
            linked.push(*entity);
            out.push((m.start(), m.end(), path));
        }
        out
    }
}
