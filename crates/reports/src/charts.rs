//! The report's charts as inline SVG, drawn with presentation attributes only (no
//! `style`), so that they print, work offline and pass a strict content security policy.
//! Each chart has a title and a text description for screen readers; the table beside
//! it holds the same numbers. Public so other crates' pages (the demand forecast) draw
//! with the same escaping, colours and bar chart.

use std::fmt::Write;

use crate::Chart;

/// Escapes text for SVG and HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The colour of bars.
pub const BAR: &str = "#1d70b8";
/// The colour of trend lines.
pub const LINE: &str = "#1d70b8";
/// The colour of the England comparison line.
pub const ENGLAND: &str = "#d4351c";
/// The colour of text and axes.
pub const INK: &str = "#0b0c0c";
/// The colour of grid lines.
pub const GRID: &str = "#b1b4b6";

/// The chart as an `<svg>` element; `id` prefixes its title's and description's ids.
pub fn svg(chart: &Chart, id: &str) -> String {
    match chart {
        Chart::Bars { title, bars } => bars_svg(title, bars, id),
        Chart::Trend {
            title,
            points,
            percent,
            england,
        } => trend_svg(title, points, *percent, *england, id),
    }
}

fn number(value: f64, percent: bool) -> String {
    if percent {
        format!("{value:.1}%")
    } else if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn bars_svg(title: &str, bars: &[(String, f64)], id: &str) -> String {
    let label_width = 260.0;
    let bar_space = 340.0;
    let row = 22.0;
    let height = 30.0 + row * bars.len().max(1) as f64;
    let width = label_width + bar_space + 60.0;
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
    let description = bars
        .iter()
        .map(|(label, value)| format!("{label}: {}", number(*value, false)))
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(&description)
    );
    let _ = write!(
        svg,
        r#"<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{}</text>"#,
        escape(title)
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = 30.0 + row * i as f64;
        let length = (value / max * bar_space).max(if *value > 0.0 { 1.0 } else { 0.0 });
        let short: String = if label.chars().count() > 38 {
            format!("{}…", label.chars().take(37).collect::<String>())
        } else {
            label.clone()
        };
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="12" text-anchor="end" fill="{INK}">{}</text><rect x="{label_width}" y="{}" width="{length:.1}" height="{}" fill="{BAR}"/><text x="{:.1}" y="{}" font-size="12" fill="{INK}">{}</text>"#,
            label_width - 6.0,
            y + 15.0,
            escape(&short),
            y + 3.0,
            row - 6.0,
            label_width + length + 4.0,
            y + 15.0,
            number(*value, false)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn trend_svg(
    title: &str,
    points: &[(String, f64)],
    percent: bool,
    england: Option<f64>,
    id: &str,
) -> String {
    let (width, height) = (320.0, 190.0);
    let (left, right, top, bottom) = (44.0, 12.0, 44.0, 30.0);
    let plot_width = width - left - right;
    let plot_height = height - top - bottom;
    let max = points
        .iter()
        .map(|p| p.1)
        .chain(england)
        .fold(0.0_f64, f64::max);
    let max = if max <= 0.0 { 1.0 } else { max * 1.1 };
    let x = |i: usize| {
        if points.len() <= 1 {
            left + plot_width / 2.0
        } else {
            left + plot_width * i as f64 / (points.len() - 1) as f64
        }
    };
    let y = |v: f64| top + plot_height * (1.0 - v / max);
    let mut description: Vec<String> = points
        .iter()
        .map(|(label, value)| format!("{label}: {}", number(*value, percent)))
        .collect();
    if let Some(e) = england {
        description.push(format!("England: {}", number(e, percent)));
    }
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="report-chart report-chart--trend" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(&description.join("; "))
    );
    // The title, wrapped onto two lines.
    let mut lines = vec![String::new()];
    for word in title.split_whitespace() {
        let current = lines.last_mut().expect("a line");
        if current.len() + word.len() > 46 && !current.is_empty() {
            lines.push(word.to_string());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    for (i, line) in lines.iter().take(2).enumerate() {
        let _ = write!(
            svg,
            r#"<text x="0" y="{}" font-size="12" font-weight="bold" fill="{INK}">{}</text>"#,
            14 + 15 * i,
            escape(line)
        );
    }
    let _ = write!(
        svg,
        r#"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="{GRID}"/><text x="{}" y="{}" font-size="11" text-anchor="end" fill="{INK}">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="{INK}">0</text>"#,
        top + plot_height,
        left + plot_width,
        top + plot_height,
        left - 4.0,
        top + 4.0,
        number(max, percent),
        left - 4.0,
        top + plot_height
    );
    if let Some(e) = england {
        let _ = write!(
            svg,
            r#"<line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{ENGLAND}" stroke-dasharray="5 4" stroke-width="2"/>"#,
            y(e),
            left + plot_width,
            y(e)
        );
    }
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    let _ = write!(
        svg,
        r#"<polyline points="{}" fill="none" stroke="{LINE}" stroke-width="2.5"/>"#,
        path.join(" ")
    );
    for (i, (_, v)) in points.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{LINE}"/>"#,
            x(i),
            y(*v)
        );
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            svg,
            r#"<text x="{left}" y="{}" font-size="11" fill="{INK}">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end" fill="{INK}">{}: {}</text>"#,
            height - 10.0,
            escape(&first.0),
            left + plot_width,
            height - 10.0,
            escape(&last.0),
            number(last.1, percent)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_describe_their_numbers() {
        let chart = Chart::Bars {
            title: "Children <by> age".into(),
            bars: vec![("Under 1 & newborn".into(), 3.0), ("1 to 4".into(), 0.0)],
        };
        let svg = svg(&chart, "c1");
        assert!(svg.contains("Children &lt;by&gt; age"));
        assert!(svg.contains("<desc id=\"c1-desc\">Under 1 &amp; newborn: 3; 1 to 4: 0</desc>"));
        assert!(!svg.contains("style="), "presentation attributes only");
        let trend = Chart::Trend {
            title: "Share".into(),
            points: vec![("Oct 2026".into(), 12.5)],
            percent: true,
            england: Some(10.0),
        };
        let svg = super::svg(&trend, "c2");
        assert!(svg.contains("Oct 2026: 12.5%; England: 10.0%"));
        assert!(svg.contains("stroke-dasharray"));
    }
}
