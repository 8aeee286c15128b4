//! Reading a site file's bytes: decoding them into text (BOM, GBK, line
//! ends) and parsing YAML into typed values with positions, every failure a
//! Chinese diagnostic. Used by `config` (site.yaml) and `load` (content).

pub mod decode;
pub mod yaml;
