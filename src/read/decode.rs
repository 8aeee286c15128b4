//! Turning a file's bytes into text the way Chinese offices save them:
//! UTF-8 (with or without BOM), GB18030/GBK from Windows editors, CRLF or CR
//! line ends. Everything downstream sees UTF-8 with `\n` only.

use std::path::Path;

use crate::diag::Diagnostic;

/// The decoded text and, when it was not plain UTF-8, a warning to show.
pub struct Decoded {
    pub text: String,
    pub warning: Option<Diagnostic>,
    /// The file was valid GBK/GB18030 (the warning only suggests UTF-8):
    /// for a CSV file that is simply how Excel on Chinese Windows saves one.
    pub gbk: bool,
}

pub fn decode(bytes: &[u8], file: &Path) -> Decoded {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut gbk = false;
    let (text, warning) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(_) => {
            // GB18030 is a superset of GBK and GB2312, so one decoder covers them all.
            let (cow, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            gbk = !had_errors;
            let msg = if had_errors {
                "文件既不是 UTF-8 也不是有效的 GBK/GB18030 编码，无法识别的字节已替换为 �"
            } else {
                "文件是 GBK/GB18030 编码，已自动转换；建议另存为 UTF-8"
            };
            let w = Diagnostic::warning(file, msg)
                .with_hint("在记事本或 WPS 中选择“另存为”，编码选 UTF-8");
            (cow.into_owned(), Some(w))
        }
    };
    Decoded {
        text: normalize_newlines(text),
        warning,
        gbk,
    }
}

fn normalize_newlines(s: String) -> String {
    if !s.contains('\r') {
        return s;
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gbk_with_a_warning() {
        let (gbk, _, _) = encoding_rs::GBK.encode("标题：敬仲镇\r\n");
        let d = decode(&gbk, Path::new("a.md"));
        assert_eq!(d.text, "标题：敬仲镇\n");
        assert!(d.warning.unwrap().message.contains("GBK"));
    }

    #[test]
    fn strips_bom_and_crlf_silently() {
        let d = decode("\u{feff}a\r\nb\rc".as_bytes(), Path::new("a.md"));
        assert_eq!(d.text, "a\nb\nc");
        assert!(d.warning.is_none());
    }
}
