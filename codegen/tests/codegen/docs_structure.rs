//! The docs module's structure: the plan carries typed facts that import
//! reads directly (which payload lines name an identifier schema), and the
//! catalog does not depend on import (front matter helpers live in their
//! own module).

use crate::common;

use iothub_codegen::docs::{self, front_matter};

#[test]
fn the_plan_says_which_payload_lines_name_an_identifier_schema() {
    let api = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let plan = docs::plan(&api);
    let mut named = Vec::new();
    let mut prose = 0;
    let sections = plan.operations.iter().flat_map(|o| {
        o.sections
            .iter()
            .map(|s| (&s.payload, &s.payload_identifier))
    });
    let responses = plan
        .responses
        .iter()
        .map(|r| (&r.payload, &r.payload_identifier));
    for (unit, identifier) in sections.chain(responses) {
        match identifier {
            Some(name) => {
                assert!(
                    unit.english.ends_with(&format!(": {name}")),
                    "{}",
                    unit.english
                );
                named.push(name.clone());
            }
            None => prose += 1,
        }
    }
    named.sort();
    named.dedup();
    assert_eq!(named, ["Twin", "TwinState"]);
    assert!(prose > 10, "{prose}");
    // The keys written to catalogs are unchanged.
    let get_twin = &plan.operations[0].sections[1];
    assert_eq!(
        get_twin.payload.place,
        "operation.get-twin.success-response.payload"
    );
    assert_eq!(get_twin.payload.shared.as_deref(), Some("payload.Twin"));
}

#[test]
fn catalog_and_import_share_front_matter_helpers_without_a_cycle() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/docs");
    let read = |f: &str| std::fs::read_to_string(src.join(f)).expect("source readable");
    for file in ["mod.rs", "header.rs", "read.rs", "write.rs"] {
        let catalog = read(&format!("catalog/{file}"));
        assert!(!catalog.contains("import::"), "catalog/{file} uses import");
    }
    let aligner = read("import/aligner.rs");
    assert!(
        !aligner.contains("strip_prefix(\"payload.\")"),
        "the aligner re-parses plan keys"
    );
    assert!(front_matter::is_plain_key("ms.locfileid"));
    assert_eq!(
        front_matter::context_of_key("ms.date"),
        format!("{}ms.date", docs::catalog::FRONT_MATTER_PREFIX)
    );
    assert_eq!(
        front_matter::field_of_key("ms.date"),
        format!("{}ms.date", docs::catalog::FRONT_MATTER_FIELD)
    );
}
