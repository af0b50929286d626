//! Finds Liberation Sans (SIL Open Font License; Arial's metrics), which the PDF embeds, in
//! Debian's `fonts-liberation2` package, or in the folder `DESPATCH_FONT_DIR` names. Fails the
//! build with the package to install when it is absent, rather than typesetting with no font.

use std::path::{Path, PathBuf};

const FILES: [&str; 4] = [
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSans-Italic.ttf",
    "LiberationSans-BoldItalic.ttf",
];

fn main() {
    println!("cargo:rerun-if-env-changed=DESPATCH_FONT_DIR");
    let candidates: Vec<PathBuf> = std::env::var_os("DESPATCH_FONT_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain(["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/liberation2"].map(PathBuf::from))
        .collect();
    let has_all = |dir: &Path| FILES.iter().all(|file| dir.join(file).is_file());
    let Some(dir) = candidates.iter().find(|dir| has_all(dir)) else {
        let looked: Vec<String> = candidates.iter().map(|dir| dir.display().to_string()).collect();
        panic!(
            "despatch-pdf embeds the Liberation Sans font and could not find {} in {}. \
             Install Debian's fonts-liberation2 package (`apt-get install fonts-liberation2`), \
             or set DESPATCH_FONT_DIR to a folder holding those files.",
            FILES.join(", "),
            looked.join(" or ")
        );
    };
    for file in FILES {
        println!("cargo:rerun-if-changed={}", dir.join(file).display());
    }
    println!("cargo:rustc-env=DESPATCH_LIBERATION_SANS_DIR={}", dir.display());
}
