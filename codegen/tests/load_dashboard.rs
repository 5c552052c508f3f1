#[test]
fn dashboard_spec_loads() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/dashboard.yaml")).unwrap();
    match codegen::load::load(&text) {
        Ok(model) => assert_eq!(model.routes.len(), 15),
        Err(d) => panic!("{}", d.render("spec/dashboard.yaml")),
    }
}

#[test]
fn bad_spec_prints() {
    let text = std::fs::read_to_string("/tmp/bad.yaml").unwrap();
    let d = codegen::load::load(&text).unwrap_err();
    println!("{}", d.render("bad.yaml"));
}
