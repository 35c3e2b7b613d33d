//! The site in a real browser: Debian's chromium, headless, through
//! chromedriver, driven by selenium (`tests/python/site_e2e.py`; the tools
//! are installed by `.ci/python-tools.sh` and `.ci/chromium.sh`). The site
//! is built here from the real spec and catalogs, with one sv-SE place made
//! fuzzy, and served on 127.0.0.1 by the script.

use std::process::Command;
use std::time::Duration;

use iothub_codegen::docs::{publish, Options};
use iothub_codegen::site;

use super::common;

/// How long the browser may take (it starts in about a second; the crawl
/// visits 13 pages and checks some 2,800 links).
const BROWSER_TIME: Duration = Duration::from_secs(300);

#[test]
fn in_headless_chromium_the_language_switch_keeps_the_section_links_resolve_and_stale_text_is_marked(
) {
    let Some(python) = iothub_test_kit::python_tools("site in chromium") else {
        return;
    };
    let Some((chromium, driver)) = iothub_test_kit::chromium("site in chromium") else {
        return;
    };
    let tmp = common::TempDir::new("site-browser");
    let locales = tmp.path().join("locales");
    std::fs::create_dir_all(&locales).expect("dir");
    for entry in std::fs::read_dir(common::root().join("spec/locales")).expect("dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        let mut text = std::fs::read_to_string(&path).expect("read");
        if name == "sv-SE.po" {
            let before = "msgid \"Patch Twin's reported state\"";
            assert_eq!(text.matches(before).count(), 1);
            text = text.replace(before, "msgid \"Patch the Twin's reported state\"");
        }
        std::fs::write(locales.join(name), text).expect("write");
    }
    let api = iothub_codegen::load(common::spec_path()).expect("spec");
    let catalogs = publish::load_catalogs(&locales).expect("catalogs");
    let built = site::build(&api, &catalogs, Options::default()).expect("site");
    let dir = tmp.path().join("site");
    site::write(&built, &dir).expect("written");

    // Kept for people to look at (the closing note names it).
    let shots = common::root().join("target/site-e2e");
    std::fs::create_dir_all(&shots).expect("dir");
    let screenshot = shots.join("sv-SE-patch-twin-reported.png");
    std::fs::remove_file(&screenshot).ok();

    let mut command = Command::new(python);
    command
        .arg(common::root().join("tests/python/site_e2e.py"))
        .env("SITE_DIR", &dir)
        .env("SCREENSHOT", &screenshot)
        .env("CHROMIUM", chromium)
        .env("CHROMEDRIVER", driver)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // Selenium must not fetch drivers or browsers.
        .env("SE_OFFLINE", "true");
    let output = iothub_test_kit::output_within(command, BROWSER_TIME, "the browser test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json summary");
    assert_eq!(summary["pages"], 13, "{summary}");
    assert!(summary["links"].as_u64() > Some(2000), "{summary}");
    assert!(summary["fragments"].as_u64() > Some(2000), "{summary}");
    assert!(summary["colours"].as_u64() >= Some(8), "{summary}");
    let png = std::fs::read(&screenshot).expect("screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
}
