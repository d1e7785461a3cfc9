//! The web application end to end: the real server on a random port, over a fresh
//! database holding a small synthetic borough imported as the command line imports it,
//! driven over HTTP with cookies. One test binary; a module per area.

mod common;

mod alerts;
mod basics;
mod browser;
mod children_list;
mod exports;
mod fostering;
mod oversight;
mod records;
mod reports;
mod security;
mod timeline;
