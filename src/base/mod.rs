//! The bottom layer: small pieces every stage uses and that depend on
//! nothing else in the crate (file reading that refuses what it must not
//! open, the one list of junk file names, URL percent-decoding, dates).
//! Nothing here may import another module of the crate.

pub mod date;
pub mod escape;
pub mod fs;
pub mod hanzi;
pub mod hash;
pub mod ids;
pub mod num;
pub mod sink;
pub mod slug;
pub mod text;
pub mod url;
