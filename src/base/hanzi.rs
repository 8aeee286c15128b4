//! Traditional and Simplified Chinese: which script a text is written in.
//!
//! The pairs come from the search's fold table (OpenCC, see NOTICE): a
//! character that is only ever the Traditional side of a pair (義, 學) marks
//! Traditional text, one that is only ever the Simplified side (义, 学)
//! marks Simplified text. Characters on both sides, or in no pair, say
//! nothing.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Traditional-only and Simplified-only characters.
struct Sides {
    traditional: HashSet<char>,
    simplified: HashSet<char>,
}

fn sides() -> &'static Sides {
    static SIDES: OnceLock<Sides> = OnceLock::new();
    SIDES.get_or_init(|| {
        let (mut t, mut s) = (HashSet::new(), HashSet::new());
        for line in include_str!("fold_table.txt").lines() {
            let mut cs = line.chars();
            if let (Some(a), Some(b)) = (cs.next(), cs.next())
                && a != b
            {
                t.insert(a);
                s.insert(b);
            }
        }
        let both: HashSet<char> = t.intersection(&s).copied().collect();
        t.retain(|c| !both.contains(c));
        s.retain(|c| !both.contains(c));
        Sides {
            traditional: t,
            simplified: s,
        }
    })
}

/// Whether `text` is written in Traditional characters: it holds at least
/// three Traditional-only characters and more of them than Simplified-only
/// ones.
pub fn is_traditional(text: &str) -> bool {
    let sides = sides();
    let (mut t, mut s) = (0usize, 0usize);
    for c in text.chars() {
        if sides.traditional.contains(&c) {
            t += 1;
        } else if sides.simplified.contains(&c) {
            s += 1;
        }
    }
    t >= 3 && t > s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_told_apart() {
        assert!(is_traditional("推進義務教育優質均衡發展，強鎮築基"));
        assert!(!is_traditional("推进义务教育优质均衡发展，强镇筑基"));
        assert!(!is_traditional("2025 年工作要点"));
        // A few Traditional names in a Simplified report stay Simplified.
        assert!(!is_traditional(
            "在义务教育优质均衡发展推进会上，學校代表发言介绍经验做法"
        ));
    }
}
