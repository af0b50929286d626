//! Builds the front-end assets that the crate embeds (`frontend/dist`) when they are missing or
//! older than their sources, by running `frontend/build.sh` (npm ci + Sass). Third-party files
//! are not committed, so a fresh clone needs Node.js and npm for its first build.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

fn modified(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

fn main() {
    // Read at run time: `env!` would bake in the folder the build script was first compiled in,
    // and a cached build script would then look for another checkout's files.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_string());
    let frontend = Path::new(&manifest_dir).join("../../frontend");
    let inputs = ["build.sh", "package.json", "package-lock.json", "src/app.scss"].map(|name| frontend.join(name));
    for input in &inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    let output = frontend.join("dist/app.css");
    println!("cargo:rerun-if-changed={}", output.display());
    let built = modified(&output);
    let stale = match built {
        None => true,
        Some(built) => inputs.iter().filter_map(|input| modified(input)).any(|input| input > built),
    };
    if !stale {
        return;
    }
    let status = Command::new("bash").arg(frontend.join("build.sh")).status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => panic!(
            "frontend/build.sh failed ({status}). The web assets are compiled from npm packages: \
             install Node.js and npm (apt-get install nodejs npm) and run `bash frontend/build.sh`."
        ),
        Err(error) => panic!("could not run bash frontend/build.sh: {error}"),
    }
}
