//! Placeholder secrets for the local dev server.
//!
//! Health reports a secret as available only when the runtime provides it, so the local server needs
//! values for every declared secret. wrangler 4 reads local secrets from `.dev.vars` next to the config,
//! or, when `--env-file <path>` is given, from that dotenv file instead (`.dev.vars` is then ignored).
//! Writing the file under `target/` and passing `--env-file` keeps the repository untouched.
//!
//! The values are recognisable on purpose: a response that contains one of them leaked a secret.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A named secret and the placeholder value the local server gets for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevSecret {
    pub name: String,
    pub value: String,
}

/// The placeholder secrets of one dev server run.
#[derive(Debug, Clone, Default)]
pub struct DevSecrets {
    secrets: Vec<DevSecret>,
}

impl DevSecrets {
    /// One placeholder per secret name, e.g. `OPENAI_CLIENT_SECRET` → `e2e-dev-openai-client-secret-placeholder`.
    pub fn for_names<S: AsRef<str>>(names: &[S]) -> Self {
        let secrets = names
            .iter()
            .map(|name| {
                let name = name.as_ref();
                let slug = name.to_ascii_lowercase().replace('_', "-");
                DevSecret { name: name.to_string(), value: format!("e2e-dev-{slug}-placeholder") }
            })
            .collect();
        DevSecrets { secrets }
    }

    pub fn iter(&self) -> impl Iterator<Item = &DevSecret> {
        self.secrets.iter()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(|secret| secret.name.as_str())
    }

    /// The values no response may ever contain.
    pub fn values(&self) -> Vec<String> {
        self.secrets.iter().map(|secret| secret.value.clone()).collect()
    }

    /// The dotenv text wrangler's `--env-file` reads: `NAME=value` lines.
    pub fn to_env_file_text(&self) -> String {
        let mut text = String::from("# Placeholder secrets for the e2e dev server; written by the e2e crate.\n");
        for secret in &self.secrets {
            text.push_str(&format!("{}={}\n", secret.name, secret.value));
        }
        text
    }

    /// Writes `dev-secrets.env` into `dir` and returns its path.
    pub fn write_env_file(&self, dir: &Path) -> io::Result<PathBuf> {
        fs::create_dir_all(dir)?;
        let path = dir.join("dev-secrets.env");
        fs::write(&path, self.to_env_file_text())?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_has_one_line_per_secret() {
        let secrets = DevSecrets::for_names(&["OPENAI_CLIENT_ID", "DASHBOARD_AUTH_SECRET"]);
        let text = secrets.to_env_file_text();
        assert!(text.contains("\nOPENAI_CLIENT_ID=e2e-dev-openai-client-id-placeholder\n"), "{text}");
        assert!(text.contains("\nDASHBOARD_AUTH_SECRET=e2e-dev-dashboard-auth-secret-placeholder\n"), "{text}");
        assert_eq!(text.lines().filter(|line| line.contains('=')).count(), 2);
    }
}
