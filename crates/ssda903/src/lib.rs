//! ssda903
