//! Zoom and pan of a drawn SVG (process map, model) as pure geometry on its `viewBox`, so the
//! browser's canvases share one tested implementation instead of each doing the arithmetic in
//! event handlers. Zooming moves the viewBox only: the drawing is never recomputed.

/// The visible part of a drawing, in SVG units (`viewBox="x y w h"`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct ViewBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// One zoom step of the buttons, keys and the wheel.
pub const ZOOM_STEP: f64 = 1.25;

/// How far in a viewBox may zoom (a tenth of a unit) and how far out (1,000× the drawing).
const MIN_SIDE: f64 = 0.1;
const MAX_FACTOR: f64 = 1_000.0;

/// Where SVG units land on screen under `preserveAspectRatio="xMidYMid meet"`: one SVG unit is
/// `1 / units_per_px` px, and the viewBox's origin is at (`left`, `top`) in client px.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Placement {
    pub units_per_px: f64,
    pub left: f64,
    pub top: f64,
}

impl ViewBox {
    /// The whole drawing (a degenerate size counts as one unit, so the box is never empty).
    pub fn fit(width: f64, height: f64) -> Self {
        let side = |v: f64| if v.is_finite() && v > 0.0 { v } else { 1.0 };
        ViewBox {
            x: 0.0,
            y: 0.0,
            w: side(width),
            h: side(height),
        }
    }

    /// Zoom by `factor` (> 1 shows more, i.e. zooms out) keeping the point (`px`, `py`), in SVG
    /// units, where it is on screen: the wheel zooms towards the cursor.
    pub fn zoom_at(self, px: f64, py: f64, factor: f64) -> Self {
        let f = self.clamped(factor);
        ViewBox {
            x: px - (px - self.x) * f,
            y: py - (py - self.y) * f,
            w: self.w * f,
            h: self.h * f,
        }
    }

    /// Zoom by `factor` around the centre (the +/− buttons and keys).
    pub fn zoom_center(self, factor: f64) -> Self {
        self.zoom_at(self.x + self.w / 2.0, self.y + self.h / 2.0, factor)
    }

    /// Move the view by (`dx`, `dy`) client px dragged: the drawing follows the pointer.
    pub fn dragged(self, dx: f64, dy: f64, units_per_px: f64) -> Self {
        ViewBox {
            x: self.x - dx * units_per_px,
            y: self.y - dy * units_per_px,
            ..self
        }
    }

    /// How the box is placed in a canvas of `width` × `height` px whose top-left corner is at
    /// (`left`, `top`) in client px.
    pub fn placement(&self, left: f64, top: f64, width: f64, height: f64) -> Placement {
        let (width, height) = (width.max(1.0), height.max(1.0));
        let s = (self.w / width).max(self.h / height);
        Placement {
            units_per_px: s,
            left: left + (width - self.w / s) / 2.0,
            top: top + (height - self.h / s) / 2.0,
        }
    }

    /// The SVG point under the client point (`cx`, `cy`).
    pub fn to_svg(&self, p: &Placement, cx: f64, cy: f64) -> (f64, f64) {
        (
            self.x + (cx - p.left) * p.units_per_px,
            self.y + (cy - p.top) * p.units_per_px,
        )
    }

    /// Fraction of the drawing's width shown, for a zoom label ("100 %" = fit).
    pub fn zoom_percent(&self, drawing_width: f64) -> f64 {
        100.0 * drawing_width.max(1.0) / self.w
    }

    /// The `viewBox` attribute.
    pub fn attribute(&self) -> String {
        format!("{} {} {} {}", self.x, self.y, self.w, self.h)
    }

    /// `factor` limited so the box stays between [`MIN_SIDE`] and [`MAX_FACTOR`]× its size now
    /// from both ends of a long session of zooming (no NaN, no zero-sized box).
    fn clamped(&self, factor: f64) -> f64 {
        if !factor.is_finite() || factor <= 0.0 {
            return 1.0;
        }
        let side = self.w.min(self.h);
        let lower = (MIN_SIDE / side).min(1.0);
        factor.clamp(lower, MAX_FACTOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn wheel_zoom_keeps_the_point_under_the_cursor() {
        let vb = ViewBox::fit(800.0, 400.0);
        let p = vb.placement(10.0, 20.0, 400.0, 400.0);
        let cursor = (110.0, 150.0);
        let under = vb.to_svg(&p, cursor.0, cursor.1);
        let zoomed = vb.zoom_at(under.0, under.1, 1.0 / ZOOM_STEP);
        // The placement of the zoomed box in the same canvas keeps the same point under it.
        let p2 = zoomed.placement(10.0, 20.0, 400.0, 400.0);
        assert!(close(zoomed.to_svg(&p2, cursor.0, cursor.1), under));
    }

    #[test]
    fn meet_centres_the_drawing_on_the_long_side() {
        // 800 × 400 units in 400 × 400 px: 2 units per px, 100 px of margin above and below.
        let p = ViewBox::fit(800.0, 400.0).placement(0.0, 0.0, 400.0, 400.0);
        assert_eq!(
            p,
            Placement {
                units_per_px: 2.0,
                left: 0.0,
                top: 100.0
            }
        );
    }

    #[test]
    fn zoom_in_then_out_returns_and_drag_follows_the_pointer() {
        let vb = ViewBox::fit(300.0, 200.0);
        let back = vb.zoom_center(1.0 / ZOOM_STEP).zoom_center(ZOOM_STEP);
        assert!(close((back.x, back.y), (vb.x, vb.y)) && close((back.w, back.h), (vb.w, vb.h)));
        let moved = vb.dragged(10.0, -5.0, 2.0);
        assert_eq!((moved.x, moved.y, moved.w), (-20.0, 10.0, 300.0));
        assert_eq!(vb.zoom_percent(300.0), 100.0);
    }

    #[test]
    fn degenerate_sizes_and_factors_never_make_an_empty_or_nan_box() {
        let vb = ViewBox::fit(0.0, f64::NAN);
        assert_eq!((vb.w, vb.h), (1.0, 1.0));
        assert_eq!(vb.zoom_center(f64::NAN), vb);
        assert_eq!(vb.zoom_center(-2.0), vb);
        let mut tiny = ViewBox::fit(100.0, 100.0);
        for _ in 0..200 {
            tiny = tiny.zoom_center(1.0 / ZOOM_STEP);
        }
        assert!(tiny.w >= MIN_SIDE - 1e-12 && tiny.w.is_finite());
        assert_eq!(tiny.attribute().split(' ').count(), 4);
    }
}
