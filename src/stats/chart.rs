//! Static SVG charts drawn at build time: bars or a line over labelled points.
//!
//! Written here rather than with plotters, whose SVG backend measures text by
//! bytes (Chinese labels come out about twice too wide), or charming, which
//! needs a JavaScript engine for static SVG. Text width is estimated with
//! `unicode-width` (a CJK character is two columns), which is what matters for
//! laying out axis labels. Charts are visible without JavaScript, print
//! crisply, use the system's fonts, and carry `<title>`/`<desc>` plus
//! `data-value` on every mark so the numbers are never only in pixels.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use crate::base::escape::{escape_attr, escape_text};
use crate::base::num::format_number;
use crate::config::ChartKind;

/// One labelled value.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: f64,
    /// Drawn hatched (bars) or hollow (lines), for a value the chart's note
    /// qualifies (a year whose coverage differs from the year before).
    pub marked: bool,
}

impl Point {
    pub fn new(label: impl Into<String>, value: f64) -> Point {
        Point {
            label: label.into(),
            value,
            marked: false,
        }
    }
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    pub title: &'a str,
    pub unit: &'a str,
    pub kind: ChartKind,
    pub points: &'a [Point],
    /// What the marked points mean (in `<desc>`; the page says it too).
    pub note: Option<&'a str>,
}

const FONT_PX: f64 = 12.0;
const HEIGHT: f64 = 220.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 40.0;

/// Width in pixels of `s` at the chart font size (a CJK character ≈ one em).
fn text_px(s: &str) -> f64 {
    s.width() as f64 * FONT_PX * 0.55
}

/// The value axis: round ticks from at most 0 to at least 0, covering
/// `lo..=hi`, 2 to 6 of them whatever the data (negative, zero, huge or
/// tiny ranges), steps of 1, 2, 2.5 or 5 times a power of ten, and whole
/// steps when every value is whole (no 0.25 teachers).
fn axis(lo: f64, hi: f64, integers: bool) -> Vec<f64> {
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    // A quarter of the span, without overflowing on huge values.
    let raw = hi / 4.0 - lo / 4.0;
    let raw = if raw > 0.0 && raw.is_finite() {
        raw
    } else {
        0.25
    };
    let mag = 10f64.powi(raw.log10().floor() as i32);
    let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw && !(integers && s.fract() != 0.0))
        .unwrap_or(10.0 * mag);
    if integers {
        step = step.max(1.0);
    }
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let n = ((last - first) as usize).clamp(1, 8);
    (0..=n).map(|i| (first + i as f64) * step).collect()
}

/// Where things go: the value axis and the horizontal slots.
struct Layout {
    ticks: Vec<f64>,
    tick_labels: Vec<String>,
    /// Left edge of the plot (after the tick labels).
    left: f64,
    /// Width of one point's slot.
    slot: f64,
    plot_w: f64,
    width: f64,
}

impl Layout {
    fn of(chart: &Chart<'_>) -> Layout {
        let max = chart.points.iter().map(|p| p.value).fold(0.0f64, f64::max);
        let min = chart.points.iter().map(|p| p.value).fold(0.0f64, f64::min);
        let integers = chart.points.iter().all(|p| p.value.fract() == 0.0);
        let ticks = axis(min, max, integers);
        let tick_labels: Vec<String> = ticks.iter().map(|t| format_number(*t)).collect();
        let left = 8.0 + tick_labels.iter().map(|t| text_px(t)).fold(0.0, f64::max);
        let label_w = chart
            .points
            .iter()
            .map(|p| text_px(&p.label))
            .fold(0.0, f64::max);
        let slot = (label_w + 12.0).max(56.0);
        let plot_w = slot * chart.points.len().max(1) as f64;
        Layout {
            ticks,
            tick_labels,
            left,
            slot,
            plot_w,
            width: left + plot_w + 16.0,
        }
    }

    /// The y coordinate of a value.
    fn y(&self, v: f64) -> f64 {
        let (bottom, top) = (self.ticks[0], self.ticks[self.ticks.len() - 1]);
        TOP + (HEIGHT - TOP - BOTTOM) * (top - v) / (top - bottom)
    }
}

/// The chart as an inline `<svg>` element.
pub fn svg(chart: &Chart<'_>, id: &str) -> String {
    let lay = Layout::of(chart);
    let mut s = String::with_capacity(2048);
    head(&mut s, chart, id, &lay);
    // Grid lines and value ticks.
    for (v, label) in lay.ticks.iter().zip(&lay.tick_labels) {
        let (v, y) = (*v, lay.y(*v));
        let _ = write!(
            s,
            r##"<line class="grid" x1="{left:.1}" x2="{x2:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#ccc" stroke-width="{sw}"/><text class="tick" x="{tx:.1}" y="{ty:.1}" text-anchor="end" fill="#555">{label}</text>"##,
            left = lay.left,
            x2 = lay.left + lay.plot_w,
            sw = if v == 0.0 { 1.2 } else { 0.5 },
            tx = lay.left - 4.0,
            ty = y + FONT_PX * 0.35,
            label = escape_text(label)
        );
    }
    let zero_y = lay.y(0.0);
    let mut line_points = Vec::new();
    for (i, p) in chart.points.iter().enumerate() {
        let cx = lay.left + lay.slot * (i as f64 + 0.5);
        let y = lay.y(p.value);
        mark(&mut s, chart, id, p, (cx, y, zero_y), lay.slot);
        if chart.kind == ChartKind::Line {
            line_points.push(format!("{cx:.1},{y:.1}"));
        }
        // Value above the mark, category label below the axis.
        let _ = write!(
            s,
            r##"<text class="value" x="{cx:.1}" y="{vy:.1}" text-anchor="middle" fill="#222">{fv}</text><text class="label" x="{cx:.1}" y="{ly:.1}" text-anchor="middle" fill="#333">{l}</text>"##,
            vy = y.min(zero_y) - 5.0,
            fv = format_number(p.value),
            ly = HEIGHT - BOTTOM + FONT_PX + 6.0,
            l = escape_text(&p.label)
        );
    }
    if !line_points.is_empty() {
        let _ = write!(
            s,
            r##"<polyline class="line" fill="none" stroke="#b3261e" stroke-width="2" points="{}"/>"##,
            line_points.join(" ")
        );
    }
    s.push_str("</svg>");
    s
}

/// The `<svg>` start tag, its `<title>` and `<desc>` (every value in words,
/// so the numbers are never only in pixels) and the hatch pattern if used.
fn head(s: &mut String, chart: &Chart<'_>, id: &str, lay: &Layout) {
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let mut desc: String = chart
        .points
        .iter()
        .map(|p| {
            let mark = if p.marked { "＊" } else { "" };
            format!(
                "{}{mark}：{}{}",
                p.label,
                format_number(p.value),
                chart.unit
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    if let Some(note) = chart.note {
        desc.push_str("。＊");
        desc.push_str(note);
    }
    let _ = write!(
        s,
        r#"<svg class="chart chart-{kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" aria-labelledby="{tid} {did}" font-size="{fs}" font-family="sans-serif">"#,
        kind = match chart.kind {
            ChartKind::Bar => "bar",
            ChartKind::Line => "line",
        },
        w = lay.width,
        h = HEIGHT,
        tid = escape_attr(&title_id),
        did = escape_attr(&desc_id),
        fs = FONT_PX
    );
    let unit = if chart.unit.is_empty() {
        String::new()
    } else {
        format!("（{}）", chart.unit)
    };
    let _ = write!(
        s,
        r#"<title id="{}">{}{}</title><desc id="{}">{}</desc>"#,
        escape_attr(&title_id),
        escape_text(chart.title),
        escape_text(&unit),
        escape_attr(&desc_id),
        escape_text(&desc)
    );
    if chart.points.iter().any(|p| p.marked) {
        let _ = write!(
            s,
            r##"<defs><pattern id="{}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#1d4e89"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2.5"/></pattern></defs>"##,
            escape_attr(id)
        );
    }
}

/// One point's mark: a bar from the zero line, or a dot on the line; a
/// marked point hatched (bar) or hollow (dot). `at` is (x centre, y of the
/// value, y of zero).
fn mark(s: &mut String, chart: &Chart<'_>, id: &str, p: &Point, at: (f64, f64, f64), slot: f64) {
    let (cx, y, zero_y) = at;
    let m = if p.marked {
        r#" data-marked="true""#
    } else {
        ""
    };
    let l = escape_attr(&p.label);
    let fv = format_number(p.value);
    let u = escape_text(chart.unit);
    let v = p.value;
    match chart.kind {
        ChartKind::Bar => {
            let bw = (slot * 0.6).min(48.0);
            let (y0, h) = if v >= 0.0 {
                (y, zero_y - y)
            } else {
                (zero_y, y - zero_y)
            };
            let fill = if p.marked {
                format!("url(#{}-hatch)", escape_attr(id))
            } else {
                "#1d4e89".to_owned()
            };
            let _ = write!(
                s,
                r##"<rect class="bar" x="{x:.1}" y="{y0:.1}" width="{bw:.1}" height="{h:.1}" fill="{fill}" data-label="{l}" data-value="{v}"{m}><title>{l}：{fv}{u}</title></rect>"##,
                x = cx - bw / 2.0,
            );
        }
        ChartKind::Line => {
            let fill = if p.marked { "#fff" } else { "#b3261e" };
            let _ = write!(
                s,
                r##"<circle class="point" cx="{cx:.1}" cy="{y:.1}" r="3.5" fill="{fill}" stroke="#b3261e" stroke-width="1.5" data-label="{l}" data-value="{v}"{m}><title>{l}：{fv}{u}</title></circle>"##,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(v: &[(&str, f64)]) -> Vec<Point> {
        v.iter().map(|(l, v)| Point::new(*l, *v)).collect()
    }

    /// `attr="…"` values of every element with `class="cls"`.
    fn attrs(svg: &str, cls: &str, attr: &str) -> Vec<f64> {
        svg.split(&format!("class=\"{cls}\""))
            .skip(1)
            .map(|rest| {
                let a = rest.split(&format!(" {attr}=\"")).nth(1).unwrap();
                a.split('"').next().unwrap().parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bar_heights_are_proportional_to_values() {
        let p = pts(&[("2023", 100.0), ("2024", 200.0), ("2025", 50.0)]);
        let svg = svg(
            &Chart {
                title: "教师数",
                unit: "名",
                kind: ChartKind::Bar,
                points: &p,
                note: None,
            },
            "c1",
        );
        let h = attrs(&svg, "bar", "height");
        assert_eq!(h.len(), 3);
        assert!((h[1] / h[0] - 2.0).abs() < 0.01, "{h:?}");
        assert!((h[0] / h[2] - 2.0).abs() < 0.01, "{h:?}");
        assert_eq!(attrs(&svg, "bar", "data-value"), vec![100.0, 200.0, 50.0]);
        assert!(svg.contains("<title id=\"c1-title\">教师数（名）</title>"));
        assert!(svg.contains("2024：200名"));
    }

    #[test]
    fn line_points_rise_with_values() {
        let p = pts(&[("2023", 1.0), ("2024", 3.0)]);
        let svg = svg(
            &Chart {
                title: "x",
                unit: "",
                kind: ChartKind::Line,
                points: &p,
                note: None,
            },
            "c",
        );
        let cy = attrs(&svg, "point", "cy");
        assert!(cy[1] < cy[0], "higher value is higher on the page: {cy:?}");
        assert!(svg.contains("<polyline"));
    }

    #[test]
    fn labels_are_escaped_and_wide_labels_widen_slots() {
        let p = pts(&[("<b>", 1.0)]);
        let narrow = svg(
            &Chart {
                title: "t",
                unit: "",
                kind: ChartKind::Bar,
                points: &p,
                note: None,
            },
            "a",
        );
        assert!(narrow.contains("&lt;b&gt;") && !narrow.contains("<b>"));
        let q = pts(&[("齐川市实验中学名校联合体", 1.0)]);
        let wide = svg(
            &Chart {
                title: "t",
                unit: "",
                kind: ChartKind::Bar,
                points: &q,
                note: None,
            },
            "b",
        );
        let width = |s: &str| -> f64 {
            s.split("width=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        assert!(width(&wide) > width(&narrow) + 60.0);
    }

    #[test]
    fn axes_are_round_and_bounded_for_any_data() {
        assert_eq!(axis(0.0, 401.0, true), vec![0.0, 200.0, 400.0, 600.0]);
        assert_eq!(axis(0.0, 95.6, false), vec![0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(axis(0.0, 3.0, true), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(axis(0.0, 0.0, true), vec![0.0, 1.0]);
        assert_eq!(axis(-5.0, 100.0, true), vec![-50.0, 0.0, 50.0, 100.0]);
        for (lo, hi) in [
            (-1.6e308, 1.6e308),
            (0.0, 1e-300),
            (-1.0, 0.0),
            (0.0, 1e15),
            (-3.0, 1e15),
            (0.0, f64::MAX),
        ] {
            for integers in [true, false] {
                let t = axis(lo, hi, integers);
                assert!((2..=9).contains(&t.len()), "{lo} {hi}: {t:?}");
                let covered = t[0] <= lo.min(0.0) && *t.last().unwrap() >= hi.max(0.0);
                assert!(
                    covered || t.iter().any(|v| !v.is_finite()),
                    "{lo} {hi}: {t:?}"
                );
                if integers {
                    assert!(
                        t.iter().all(|v| v.fract() == 0.0 || !v.is_finite()),
                        "{t:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_chart_of_hostile_values_stays_small() {
        let p = pts(&[("2023", -1.0), ("2024", 1.6e308), ("2025", 0.5)]);
        let svg = svg(
            &Chart {
                title: "x",
                unit: "",
                kind: ChartKind::Bar,
                points: &p,
                note: None,
            },
            "c",
        );
        assert!(svg.len() < 20_000, "{} bytes", svg.len());
        assert!(svg.matches("class=\"tick\"").count() <= 9);
    }
}
