//! Tokenizing folded text into the grams the index is keyed by: the
//! reference definition (the index builder's fast scanner in
//! [`super::grams`] is tested against it).
//!
//! Chinese has no spaces and word segmentation loses substrings (农业 inside
//! 中国农业发展银行), so CJK runs are indexed as character unigrams and
//! bigrams: any query of one or two characters is looked up directly, and a
//! longer one through its bigrams, after which the browser checks the text
//! itself (no false hits). Latin letters and digits form words, matched as
//! whole words. Everything else (spaces, punctuation) separates tokens.
//! `search.js` has the same classification (`isGramChar`, `isWord`).

/// Characters indexed as n-grams: Han (with extensions and compatibility
/// ideographs), 〇 and 々, kana and Hangul. Not the renderer's
/// `markdown::is_cjk` (scripts written without spaces, punctuation
/// included), which decides where a line break is no word break.
pub fn indexed_as_grams(c: char) -> bool {
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
    !indexed_as_grams(c) && (c.is_alphabetic() || c.is_numeric())
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
        if indexed_as_grams(c) {
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
    fn kana_hangul_and_zero_are_cjk() {
        assert!(
            indexed_as_grams('〇')
                && indexed_as_grams('か')
                && indexed_as_grams('한')
                && indexed_as_grams('𠀀')
        );
        assert!(is_word('é') && is_word('٣') && !is_word('，'));
    }
}
