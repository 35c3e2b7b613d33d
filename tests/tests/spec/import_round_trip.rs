//! Import round trip: importing each seed gives back exactly the committed
//! catalog (the catalogs are produced by `import`, not written by hand), and
//! rendering the imported catalog gives the same document as the committed
//! one.

use crate::common;

use iothub_codegen::docs::{self, import, Catalog};

#[test]
fn importing_each_seed_reproduces_the_committed_catalog_and_document() {
    let Some(sources) =
        common::sources_dir("importing_each_seed_reproduces_the_committed_catalog_and_document")
    else {
        return;
    };
    let root = common::root();
    let api =
        iothub_codegen::load(root.join("spec/iothub-mqtt5.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let seeds = common::seeds(&sources);
    assert_eq!(
        seeds.len(),
        common::catalog_count(),
        "one seed per committed catalog"
    );
    for (locale, path) in seeds {
        let text = std::fs::read_to_string(&path).expect("seed readable");
        let imported = import::import(&api, &locale, &text);
        assert!(
            imported.unaligned.is_empty(),
            "{locale}: could not align {:?}",
            imported.unaligned
        );

        let po_path = root.join(format!("spec/locales/{locale}.po"));
        let committed_po = std::fs::read_to_string(&po_path).expect("committed catalog");
        let imported_po = imported.catalog.to_po(&docs::project_id(&api));
        assert!(
            imported_po == committed_po,
            "{locale}: spec/locales/{locale}.po differs from `import` of its seed"
        );

        // The PO text reads back into the same catalog.
        let reread =
            Catalog::parse(&imported_po, &po_path, &locale).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reread.len(), imported.catalog.len());

        let (from_import, coverage) = docs::render(&api, Some(&imported.catalog)).expect("renders");
        let committed = Catalog::load(&po_path, &locale).unwrap_or_else(|e| panic!("{e}"));
        let (from_committed, _) = docs::render(&api, Some(&committed)).expect("renders");
        assert_eq!(from_import, from_committed, "{locale}");
        assert!(
            coverage.missing.is_empty() && coverage.fuzzy.is_empty(),
            "{locale}: {coverage:?}"
        );
        println!(
            "{locale}: {} entries, {} places translated",
            imported.catalog.len(),
            coverage.translated
        );
    }
}
