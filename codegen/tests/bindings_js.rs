//! The JavaScript functions the generated `Bindings` call (`generated/rust/bindings.rs`, `inline_js`), run
//! in Node for each spec: the environment var's value maps to its index in `Environment::ALL` (the spec's
//! order), anything else to -1; each binding sets its own bit.

use std::path::Path;
use std::process::Command;

use codegen::emit::Root;
use codegen::model::Model;
use codegen::Layout;

const SPECS: [&str; 3] = ["../spec/dashboard.yaml", "tests/specs/full.yaml", "tests/specs/minimal.yaml"];

#[test]
fn environment_and_binding_questions_answer_in_javascript() {
    for spec in SPECS {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(spec)).expect("read the spec");
        let model = codegen::load::load(&text).unwrap_or_else(|_| panic!("{spec} loads"));
        let layout = Layout { spec_dir_from_generated: "../spec".to_owned(), spec_display_name: spec.to_owned() };
        let files = codegen::generate(&text, &layout).unwrap_or_else(|_| panic!("{spec} generates"));
        let bindings = &files.0[&(Root::Generated, "rust/bindings.rs".to_owned())];
        let answers = run_in_node(&inline_js(bindings), &questions(&model));
        assert_eq!(answers, expected_answers(&model), "{spec}");
    }
}

/// The `inline_js` module of the generated file; empty when it has none.
fn inline_js(source: &str) -> String {
    let file = syn::parse_file(source).expect("the generated file parses");
    let mut modules = file.items.iter().filter_map(|item| match item {
        syn::Item::ForeignMod(block) => block.attrs.iter().find_map(inline_js_of),
        _ => None,
    });
    let module = modules.next().unwrap_or_default();
    assert!(modules.next().is_none(), "one inline_js module");
    module
}

fn inline_js_of(attribute: &syn::Attribute) -> Option<String> {
    let mut found = None;
    attribute
        .parse_nested_meta(|meta| {
            if meta.path.is_ident("inline_js") {
                found = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        })
        .ok()?;
    found
}

/// A Node script that imports `module` and prints, as JSON, its answers for each `env` in `questions`.
fn run_in_node(module: &str, questions: &Questions) -> Answers {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bindings-js");
    std::fs::create_dir_all(&dir).expect("create the script directory");
    std::fs::write(dir.join("bindings.mjs"), module).expect("write the module");
    let script = format!(
        r#"import * as bindings from "./bindings.mjs";
const environments = {environments};
const bindingSets = {binding_sets};
const call = (name, env) => (name in bindings ? bindings[name](env) : null);
console.log(JSON.stringify({{
  environments: environments.map((env) => call("currentEnvironmentIndex", env)),
  bindings: bindingSets.map((env) => call("bindingsPresent0", env)),
}}));
"#,
        environments = serde_json::to_string(&questions.environments).expect("JSON"),
        binding_sets = serde_json::to_string(&questions.binding_sets).expect("JSON"),
    );
    std::fs::write(dir.join("questions.mjs"), script).expect("write the script");
    let output = Command::new("node")
        .arg("questions.mjs")
        .current_dir(&dir)
        .output()
        .expect("run node (scripts/setup installs it; scripts/env.sh puts it on PATH)");
    assert!(output.status.success(), "node failed:\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("node prints the answers as JSON")
}

struct Questions {
    environments: Vec<serde_json::Value>,
    binding_sets: Vec<serde_json::Value>,
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Answers {
    environments: Vec<Option<i64>>,
    bindings: Vec<Option<i64>>,
}

/// Each environment's name, then a missing var, a value that is not text and an unknown name; every
/// binding, each binding alone, and none.
fn questions(model: &Model) -> Questions {
    let var = model.worker.environment_var.clone().unwrap_or_default();
    let mut environments: Vec<_> =
        model.environments.iter().map(|environment| serde_json::json!({ &var: environment.name })).collect();
    environments.extend([serde_json::json!({}), serde_json::json!({ &var: 1 }), serde_json::json!({ &var: "qa" })]);
    let names: Vec<&str> = model.bindings.declared().map(|(name, _)| name).collect();
    let mut binding_sets =
        vec![serde_json::Value::Object(names.iter().map(|name| (name.to_string(), 1.into())).collect())];
    binding_sets.extend(names.iter().map(|name| serde_json::json!({ *name: {} })));
    binding_sets.push(serde_json::json!({ "UNDECLARED": 1 }));
    Questions { environments, binding_sets }
}

fn expected_answers(model: &Model) -> Answers {
    let count = model.environments.len();
    let environments = match model.worker.environment_var {
        Some(_) => (0..count as i64).chain([-1, -1, -1]).map(Some).collect(),
        None => vec![None; count + 3],
    };
    let names: Vec<&str> = model.bindings.declared().map(|(name, _)| name).collect();
    assert!(names.len() <= 31, "this test reads only the first group of 32 bindings");
    let bindings = if names.is_empty() {
        vec![None; 2]
    } else {
        [(1_i64 << names.len()) - 1]
            .into_iter()
            .chain((0..names.len()).map(|bit| 1 << bit))
            .chain([0])
            .map(Some)
            .collect()
    };
    Answers { environments, bindings }
}
