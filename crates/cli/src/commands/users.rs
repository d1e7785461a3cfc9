//! `permanence users add|list|disable|reset-password`: the web application's accounts.
//! Passwords are read without being shown (or from standard input), hashed with
//! Argon2id, and never printed or logged.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use permanence_store::{Database, Location, NewUser};
use permanence_web::auth::{Role, hash_password, password_problem};

use super::actor;
use crate::cli::UsersAddArgs;

/// Opens the database for accounts (created if needed: accounts may come first).
fn open(db: &Location) -> anyhow::Result<Database> {
    db.open()
        .with_context(|| format!("cannot open the database {}", db))
}

/// The new password: from standard input's first line, or asked for twice without echo.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        if first != second {
            bail!("the two passwords are different; nothing was changed");
        }
        first
    };
    if let Some(problem) = password_problem(&password) {
        bail!("{problem}; nothing was changed");
    }
    Ok(password)
}

pub(crate) fn add(db: &Location, args: &UsersAddArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let role = Role::from_code(&args.role).with_context(|| {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        format!(
            "'{}' is not a role; the roles are {}",
            args.role,
            roles.join(", ")
        )
    })?;
    let username = args.username.trim();
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        bail!("a username must not be empty or contain spaces");
    }
    let mut store = open(db)?;
    if store.user_by_username(username)?.is_some() {
        bail!("a user named '{username}' already exists");
    }
    let password = read_password(args.password_stdin)?;
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("cannot hash: {e}"))?;
    store.add_user(&NewUser {
        username,
        display_name: args.name.trim(),
        role: role.code(),
        staff_id: args.staff_id.as_deref().map(str::trim),
        password_hash: &hash,
    })?;
    store.audit(
        &actor(),
        "add_user",
        None,
        &format!("{username} as {}", role.code()),
    )?;
    writeln!(
        out,
        "Added {username} ({}, {}).",
        args.name.trim(),
        role.label()
    )?;
    Ok(())
}

pub(crate) fn list(db: &Location, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = open(db)?;
    for user in store.users()? {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            user.username,
            user.display_name,
            user.role,
            user.staff_id.as_deref().unwrap_or("-"),
            if user.disabled { "disabled" } else { "active" }
        )?;
    }
    Ok(())
}

pub(crate) fn disable(db: &Location, username: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut store = open(db)?;
    if !store.set_disabled(username, true)? {
        bail!("there is no user named '{username}'");
    }
    store.audit(&actor(), "disable_user", None, username)?;
    writeln!(out, "Disabled {username}; their sessions have ended.")?;
    Ok(())
}

pub(crate) fn reset_password(
    db: &Location,
    username: &str,
    from_stdin: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut store = open(db)?;
    if store.user_by_username(username)?.is_none() {
        bail!("there is no user named '{username}'");
    }
    let password = read_password(from_stdin)?;
    let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("cannot hash: {e}"))?;
    store.set_password_hash(username, &hash)?;
    store.audit(&actor(), "reset_password", None, username)?;
    writeln!(
        out,
        "Set a new password for {username}; their sessions have ended."
    )?;
    Ok(())
}
