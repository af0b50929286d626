//! `despatch definitions`: check case-type definition files, and draw a case type's flow.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use despatch_domain::definition::{
    CaseTypeDefinition, DefinitionError, EMBEDDED, GraphFormat, draw, parse, replacement_problem,
};

/// Arguments of `despatch definitions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Case types are TOML files. The defaults (MIN, TRO, DTEN) are built in; a folder of *.toml files
adds case types or new versions, and a file with the same code and version as a built-in one
replaces it.

Examples:
  despatch definitions check
  despatch definitions check ./definitions
  despatch definitions graph MIN
  despatch definitions graph MIN --format dot --dir ./definitions | dot -Tsvg > min.svg")]
pub struct Args {
    #[command(subcommand)]
    command: Subcommand,
}

#[derive(Debug, clap::Subcommand)]
enum Subcommand {
    /// Validate the built-in definitions and every *.toml file in DIR. Prints each problem as
    /// FILE:LINE: SENTENCE and exits with status 1 if there is any.
    Check {
        /// A folder of definition files (*.toml) to check with the built-in ones.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the flow of a case type as a Mermaid flowchart or a Graphviz DOT graph.
    Graph {
        /// Case-type code, e.g. MIN.
        #[arg(value_name = "CODE")]
        code: String,
        /// Definition version [default: the newest].
        #[arg(long, value_name = "N")]
        version: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Mermaid)]
        format: Format,
        /// A folder of definition files (*.toml) to use with the built-in ones.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Graph formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A Mermaid flowchart (Markdown, GitHub).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

/// Runs `despatch definitions`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Subcommand::Check { dir } => check(dir.as_deref()),
        Subcommand::Graph { code, version, format, dir } => graph(&code, version, format, dir.as_deref()),
    }
}

/// One definition file: where it came from and its text.
pub(crate) struct Source {
    /// The name printed in messages: `<embedded>/MIN.toml` or the path in DIR.
    pub(crate) file: String,
    embedded: bool,
    /// `None` when the file is not UTF-8 text.
    pub(crate) text: Option<String>,
}

/// The built-in definitions followed by the `*.toml` files of `dir`, in name order.
pub(crate) fn sources(dir: Option<&Path>) -> anyhow::Result<Vec<Source>> {
    let mut sources: Vec<Source> = EMBEDDED
        .iter()
        .map(|(file, text)| Source { file: format!("<embedded>/{file}"), embedded: true, text: Some(text.to_string()) })
        .collect();
    let Some(dir) = dir else { return Ok(sources) };
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read the folder {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.with_context(|| format!("cannot list the folder {}", dir.display()))?.path();
        if path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("toml")) && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let text = String::from_utf8(bytes).ok();
        sources.push(Source { file: path.display().to_string(), embedded: false, text });
    }
    Ok(sources)
}

/// A definition that loaded, and where from.
struct Entry {
    file: String,
    embedded: bool,
    /// A file of DIR that took the place of the built-in definition with its code and version.
    replaces_built_in: bool,
    definition: CaseTypeDefinition,
}

/// What loading a set of sources found: the definitions by (code, version), and the problems.
struct Loaded {
    definitions: BTreeMap<(String, u32), Entry>,
    problems: Vec<DefinitionError>,
}

fn load(sources: Vec<Source>) -> Loaded {
    let mut loaded = Loaded { definitions: BTreeMap::new(), problems: Vec::new() };
    for source in sources {
        let problem = |message: String| DefinitionError { file: source.file.clone(), line: None, message };
        let Some(text) = &source.text else {
            loaded.problems.push(problem("the file is not UTF-8 text".to_string()));
            continue;
        };
        let definition = match parse(&source.file, text) {
            Ok(definition) => definition,
            Err(errors) => {
                loaded.problems.extend(errors);
                continue;
            }
        };
        let key = (definition.code.clone(), definition.version);
        let replaces_built_in = match loaded.definitions.get(&key) {
            None => false,
            Some(earlier) if earlier.embedded => {
                if let Some(message) = replacement_problem(&earlier.definition, &definition) {
                    loaded.problems.push(problem(message));
                    continue;
                }
                true
            }
            Some(earlier) => {
                let (code, version) = &key;
                loaded.problems.push(problem(format!(
                    "{code} version {version} is also defined in {}; give each version one file",
                    earlier.file
                )));
                continue;
            }
        };
        let entry = Entry { file: source.file, embedded: source.embedded, replaces_built_in, definition };
        loaded.definitions.insert(key, entry);
    }
    loaded
}

fn print_problems(problems: &[DefinitionError]) {
    for problem in problems {
        eprintln!("{problem}");
    }
    let files: std::collections::BTreeSet<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    let plural = |n: usize, word: &str| {
        if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
    };
    eprintln!("{} in {}", plural(problems.len(), "problem"), plural(files.len(), "file"));
}

fn check(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let sources = sources(dir)?;
    if let Some(dir) = dir
        && sources.iter().all(|source| source.embedded)
    {
        println!("note: {} holds no .toml files; only the built-in definitions are checked", dir.display());
    }
    let loaded = load(sources);
    if !loaded.problems.is_empty() {
        print_problems(&loaded.problems);
        return Ok(ExitCode::FAILURE);
    }
    println!("{} case-type definitions are valid:", loaded.definitions.len());
    for ((code, version), entry) in &loaded.definitions {
        let replaced = if entry.replaces_built_in { " (replaces the built-in one)" } else { "" };
        println!("  {code} v{version}  {}  {}{replaced}", entry.definition.name, entry.file);
    }
    Ok(ExitCode::SUCCESS)
}

fn graph(code: &str, version: Option<u32>, format: Format, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let loaded = load(sources(dir)?);
    if !loaded.problems.is_empty() {
        print_problems(&loaded.problems);
        return Ok(ExitCode::FAILURE);
    }
    let code = code.trim().to_ascii_uppercase();
    let versions: Vec<u32> = loaded.definitions.keys().filter(|(c, _)| *c == code).map(|(_, v)| *v).collect();
    let Some(&newest) = versions.last() else {
        let mut known: Vec<&str> = loaded.definitions.keys().map(|(c, _)| c.as_str()).collect();
        known.dedup();
        bail!("there is no case type {code}; the case types are {}", known.join(", "));
    };
    let version = version.unwrap_or(newest);
    let Some(entry) = loaded.definitions.get(&(code.clone(), version)) else {
        let listed: Vec<String> = versions.iter().map(u32::to_string).collect();
        bail!("case type {code} has no version {version}; its versions are {}", listed.join(", "));
    };
    let format = match format {
        Format::Mermaid => GraphFormat::Mermaid,
        Format::Dot => GraphFormat::Dot,
    };
    print!("{}", draw(&entry.definition, format));
    Ok(ExitCode::SUCCESS)
}
