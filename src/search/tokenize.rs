//! Tokenizing folded text into the grams the index is keyed by.
//!
//! Chinese has no spaces and word segmentation loses substrings (农业 inside
//! 中国农业发展银行), so CJK runs are indexed as character unigrams and
//! bigrams: any query of one or two characters is looked up directly, and a
//! longer one through its bigrams, after which the browser checks the text
//! itself (no false hits). Latin letters and digits form words, matched as
//! whole words. Everything else (spaces, punctuation) separates tokens.
//! `search.js` has the same classification (`isCjk`, `isWord`).

/// Characters indexed as n-grams: Han (with extensions and compatibility
/// ideographs), 〇 and 々, kana and Hangul.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007
        | 0x3040..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3FFFF)
}

/// Characters that make up Latin-style words (letters and digits of any
/// script that is not indexed as CJK). Mirrors `/[\p{Alphabetic}\p{N}]/u`.
pub fn is_word(c: char) -> bool {
    !is_cjk(c) && (c.is_alphabetic() || c.is_numeric())
}

/// A token of folded text, with the character offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// A maximal run of CJK characters.
    Cjk(&'a str, usize),
    /// A maximal run of word characters.
    Word(&'a str, usize),
}

/// Splits folded text into CJK runs and words.
pub fn tokens<'a>(text: &'a str) -> Vec<Token<'a>> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Cjk,
        Word,
        Other,
    }
    let class = |c: char| {
        if is_cjk(c) {
            Class::Cjk
        } else if is_word(c) {
            Class::Word
        } else {
            Class::Other
        }
    };
    let mut out = Vec::new();
    let mut start: Option<(usize, usize, Class)> = None; // (byte, char, class)
    let push = |out: &mut Vec<Token<'a>>, s: usize, ci: usize, cl: Class, end: usize| {
        let t = &text[s..end];
        out.push(match cl {
            Class::Cjk => Token::Cjk(t, ci),
            _ => Token::Word(t, ci),
        });
    };
    for (ci, (bi, c)) in text.char_indices().enumerate() {
        let cl = class(c);
        match start {
            Some((_, _, scl)) if scl == cl => {}
            Some((s, sci, scl)) => {
                push(&mut out, s, sci, scl, bi);
                start = (cl != Class::Other).then_some((bi, ci, cl));
            }
            None => start = (cl != Class::Other).then_some((bi, ci, cl)),
        }
    }
    if let Some((s, sci, scl)) = start {
        push(&mut out, s, sci, scl, text.len());
    }
    out
}

/// Calls `f(gram, char offset)` for every gram of folded `text`: each CJK
/// character, each pair of adjacent CJK characters, each word.
pub fn for_each_gram<'a>(text: &'a str, mut f: impl FnMut(&'a str, usize)) {
    for t in tokens(text) {
        match t {
            Token::Word(w, at) => f(w, at),
            Token::Cjk(run, at) => {
                let idx: Vec<usize> = run
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([run.len()])
                    .collect();
                for k in 0..idx.len() - 1 {
                    f(&run[idx[k]..idx[k + 1]], at + k);
                    if k + 2 < idx.len() {
                        f(&run[idx[k]..idx[k + 2]], at + k);
                    }
                }
            }
        }
    }
}

/// Which bigrams (by start) of a run of `n` ≥ 2 characters a query looks
/// up: every other one, plus the last. Together they cover the run, and the
/// browser checks the text anyway, so the overlapping ones would only cost
/// bytes to load (a third of them for a 4-character query).
pub fn bigram_cover(n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n.saturating_sub(1)).step_by(2).collect();
    if n >= 2 && v.last() != Some(&(n - 2)) {
        v.push(n - 2);
    }
    v
}

/// The grams a query term is looked up by: a CJK run of one or two
/// characters is its own gram, a longer run by the bigrams of
/// [`bigram_cover`]; words are themselves. The second value tells whether the grams are enough (true)
/// or the browser must confirm the term in the text.
pub fn query_grams(folded_term: &str) -> (Vec<String>, bool) {
    let toks = tokens(folded_term);
    let mut grams: Vec<String> = Vec::new();
    let mut exact = toks.len() == 1;
    for t in &toks {
        match *t {
            Token::Word(w, _) => grams.push(w.to_owned()),
            Token::Cjk(run, _) => {
                let cs: Vec<char> = run.chars().collect();
                if cs.len() <= 2 {
                    grams.push(run.to_owned());
                } else {
                    exact = false;
                    grams.extend(
                        bigram_cover(cs.len())
                            .into_iter()
                            .map(|i| cs[i..i + 2].iter().collect::<String>()),
                    );
                }
            }
        }
    }
    grams.sort();
    grams.dedup();
    (grams, exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(s: &str) -> Vec<(String, usize)> {
        let mut v = Vec::new();
        for_each_gram(s, |g, at| v.push((g.to_owned(), at)));
        v
    }

    #[test]
    fn cjk_runs_give_unigrams_and_bigrams() {
        assert_eq!(
            grams("农业发展"),
            [
                ("农", 0),
                ("农业", 0),
                ("业", 1),
                ("业发", 1),
                ("发", 2),
                ("发展", 2),
                ("展", 3)
            ]
            .map(|(g, a)| (g.to_owned(), a))
        );
    }

    #[test]
    fn words_and_separators() {
        let t = tokens("2025年5g网络, html5 教育");
        assert_eq!(
            t,
            vec![
                Token::Word("2025", 0),
                Token::Cjk("年", 4),
                Token::Word("5g", 5),
                Token::Cjk("网络", 7),
                Token::Word("html5", 11),
                Token::Cjk("教育", 17),
            ]
        );
        // Punctuation breaks CJK runs: no bigram across a comma.
        assert!(!grams("教，育").iter().any(|(g, _)| g == "教育"));
        assert!(tokens("，。！ ").is_empty());
    }

    #[test]
    fn substrings_across_word_boundaries_are_found() {
        // 农业 inside 中国农业发展银行: a word segmenter would miss it.
        let (q, exact) = query_grams("农业");
        assert!(exact);
        let all = grams("中国农业发展银行");
        assert!(q.iter().all(|g| all.iter().any(|(a, _)| a == g)));
        let (q, exact) = query_grams("业发展银");
        assert!(!exact);
        assert_eq!(q, ["业发", "展银"]);
        assert!(q.iter().all(|g| all.iter().any(|(a, _)| a == g)));
    }

    #[test]
    fn bigram_cover_spans_the_run() {
        assert_eq!(bigram_cover(2), [0]);
        assert_eq!(bigram_cover(3), [0, 1]);
        assert_eq!(bigram_cover(4), [0, 2]);
        assert_eq!(bigram_cover(5), [0, 2, 3]);
        assert_eq!(bigram_cover(6), [0, 2, 4]);
    }

    #[test]
    fn query_with_several_tokens_needs_checking() {
        let (g, exact) = query_grams("5g网络");
        assert_eq!(g, ["5g", "网络"]);
        assert!(!exact);
        assert_eq!(query_grams("2025"), (vec!["2025".to_owned()], true));
        assert_eq!(query_grams("教").0, ["教"]);
    }

    #[test]
    fn kana_hangul_and_zero_are_cjk() {
        assert!(is_cjk('〇') && is_cjk('か') && is_cjk('한') && is_cjk('𠀀'));
        assert!(is_word('é') && is_word('٣') && !is_word('，'));
    }
}
