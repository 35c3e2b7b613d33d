//! `plot`: the SVG figures of BENCHMARKS.md, drawn (plotters, SVG backend)
//! from the JSON lines the scenarios printed: the generator's time against
//! the spec's size (with the line of proportional growth), the client
//! beside raw rumqttc, and the emulator beside mosquitto.

use std::path::Path;

use plotters::prelude::*;
use serde_json::Value;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The last JSON line of each scenario in `results` (one object per line;
/// other lines are ignored).
fn scenarios(results: &str) -> Vec<Value> {
    results
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line.trim()).ok())
        .filter(|v| v.get("scenario").is_some())
        .collect()
}

fn find<'a>(all: &'a [Value], name: &str) -> Option<&'a Value> {
    all.iter().rev().find(|v| v["scenario"] == name)
}

fn number(value: &Value, key: &str) -> f64 {
    value[key].as_f64().unwrap_or(0.0)
}

/// Writes the figures into `out` for the scenarios found in `results`;
/// returns the files written.
pub fn run(results: &Path, out: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(results)?;
    let all = scenarios(&text);
    std::fs::create_dir_all(out)?;
    let mut written = Vec::new();
    if let Some(codegen) = find(&all, "codegen") {
        let file = out.join("codegen-scaling.svg");
        codegen_scaling(codegen, &file)?;
        written.push(file.display().to_string());
    }
    let telemetry = find(&all, "telemetry");
    let rtt = find(&all, "twin-rtt");
    if telemetry.is_some() || rtt.is_some() {
        let file = out.join("client-vs-rumqttc.svg");
        client_vs_raw(telemetry, rtt, &file)?;
        written.push(file.display().to_string());
    }
    if let Some(hub) = find(&all, "hub-throughput") {
        let file = out.join("emulator-vs-mosquitto.svg");
        bars(
            &file,
            "QoS 1 telemetry, 100 devices: messages per second (higher is better)",
            &[
                ("iothub-emulator", number(hub, "emulator_msgs_per_s")),
                ("mosquitto", number(hub, "mosquitto_msgs_per_s")),
            ],
        )?;
        written.push(file.display().to_string());
    }
    Ok(written)
}

fn codegen_scaling(codegen: &Value, file: &Path) -> Result<()> {
    let points: Vec<(f64, f64)> = ["1x", "10x", "100x"]
        .iter()
        .filter_map(|k| {
            let factor: f64 = k.trim_end_matches('x').parse().ok()?;
            Some((factor, codegen["ms"][k].as_f64()?))
        })
        .collect();
    let Some(&(_, base)) = points.first() else {
        return Ok(());
    };
    let root = SVGBackend::new(file, (720, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let top = points.iter().map(|p| p.1).fold(base * 100.0, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Generator time against spec size (log-log)",
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(
            (0.8f64..130.0).log_scale(),
            (base * 0.5..top * 1.5).log_scale(),
        )?;
    chart
        .configure_mesh()
        .x_desc("spec size (× the real spec's operations)")
        .y_desc("ms: load + validate, every locale, Rust")
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            [(1.0, base), (100.0, base * 100.0)],
            ShapeStyle::from(&RGBColor(180, 180, 180)).stroke_width(2),
        ))?
        .label("proportional (100× size = 100× time)")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RGBColor(180, 180, 180)));
    chart
        .draw_series(LineSeries::new(
            points.clone(),
            ShapeStyle::from(&BLUE).stroke_width(3),
        ))?
        .label("iothub-codegen")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE));
    chart.draw_series(points.iter().map(|&p| Circle::new(p, 5, BLUE.filled())))?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

fn client_vs_raw(telemetry: Option<&Value>, rtt: Option<&Value>, file: &Path) -> Result<()> {
    let root = SVGBackend::new(file, (1020, 360)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, 3));
    if let Some(t) = telemetry {
        bar_chart(
            &panels[0],
            "Telemetry, msgs/s (higher is better)",
            &[
                ("iothub-client", number(t, "client_msgs_per_s")),
                ("raw rumqttc", number(t, "raw_msgs_per_s")),
            ],
        )?;
    }
    if let Some(r) = rtt {
        bar_chart(
            &panels[1],
            "Get Twin p50, µs (lower is better)",
            &[
                ("iothub-client", number(r, "client_p50_us")),
                ("raw rumqttc", number(r, "raw_p50_us")),
            ],
        )?;
        bar_chart(
            &panels[2],
            "Get Twin p99, µs (lower is better)",
            &[
                ("iothub-client", number(r, "client_p99_us")),
                ("raw rumqttc", number(r, "raw_p99_us")),
            ],
        )?;
    }
    root.present()?;
    Ok(())
}

fn bars(file: &Path, title: &str, values: &[(&str, f64)]) -> Result<()> {
    let root = SVGBackend::new(file, (560, 380)).into_drawing_area();
    root.fill(&WHITE)?;
    bar_chart(&root, title, values)?;
    root.present()?;
    Ok(())
}

fn bar_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    values: &[(&str, f64)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let top = values.iter().map(|v| v.1).fold(1.0, f64::max) * 1.2;
    let names: Vec<String> = values.iter().map(|v| v.0.to_owned()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 16))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d((0..values.len() - 1).into_segmented(), 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) => names.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .draw()?;
    let palette = [RGBColor(40, 90, 200), RGBColor(230, 120, 30)];
    chart.draw_series(values.iter().enumerate().map(|(i, (_, v))| {
        let color = palette[i % palette.len()];
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0.0),
                (SegmentValue::Exact(i + 1), *v),
            ],
            color.filled(),
        );
        bar.set_margin(0, 0, 18, 18);
        bar
    }))?;
    chart.draw_series(values.iter().enumerate().map(|(i, (_, v))| {
        Text::new(
            format!("{v:.0}"),
            (SegmentValue::CenterOf(i), *v + top * 0.06),
            ("sans-serif", 14),
        )
    }))?;
    Ok(())
}
