//! The `permanence` command line: parsing arguments and running each command.

pub mod cli;
mod commands;
mod output;

pub use commands::run;
