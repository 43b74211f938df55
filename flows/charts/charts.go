// Package charts draws the recap's numbers as PNG pictures: horizontal
// bar charts of counts (reports per type, stage, agency, kecamatan) and
// stacked bars of deadline compliance. One picture fits a Telegram photo
// (1000 px wide) and, scaled, the width of a printed A4 page.
//
// It owns the pictures only: what is counted, and who may see it, is
// decided before the numbers reach it (records.Recap). Labels are in
// Bahasa Indonesia unless lang is "en".
package charts

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	gc "github.com/go-analyze/charts"

	"github.com/lapor-id/lapor/flows/records"
)

// Width is the width of every chart in pixels, about what Telegram shows
// a photo at.
const Width = 1000

// MaxBars is the most bars a chart draws; further items are added up into
// one last "Lainnya" (others) bar, so a chart stays readable.
const MaxBars = 40

// Heights: a fixed frame (title, legend, value axis) and a row per bar,
// within [minHeight, maxHeight]. With MaxBars rows the cap is never hit.
const (
	frameHeight = 130
	rowHeight   = 32
	minHeight   = 320
	maxHeight   = frameHeight + MaxBars*rowHeight
)

// maxLabelRunes is how much of a category name is shown before "…":
// agency names run to 80 characters and would squeeze the bars.
const maxLabelRunes = 40

var (
	barColor     = gc.ColorFromHex("1565c0")
	metColor     = gc.ColorFromHex("2e7d32")
	missedColor  = gc.ColorFromHex("c62828")
	runningColor = gc.ColorFromHex("9e9e9e")
	white        = gc.ColorFromHex("ffffff")
	inkColor     = gc.ColorFromHex("464646")
	mutedColor   = gc.ColorFromHex("8a8a8a")
)

// words are the few fixed words a chart prints: [Indonesian, English].
var words = map[string][2]string{
	"others":  {"Lainnya", "Others"},
	"nodata":  {"Belum ada data", "No data yet"},
	"unknown": {"Belum ditentukan", "Not yet assigned"},
	"met":     {"Tepat waktu", "On time"},
	"missed":  {"Terlambat", "Late"},
	"running": {"Berjalan", "Running"},
}

// english reports whether lang asks for English ("en", "en-US", …);
// anything else is Indonesian.
func english(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en")
}

func word(lang, key string) string {
	if english(lang) {
		return words[key][1]
	}
	return words[key][0]
}

// Bars draws counts as horizontal bars, largest on top, each with its
// number. At most limit bars are drawn (MaxBars when limit is 0 or more
// than MaxBars): when there are more items than that, the largest
// limit-1 are drawn and the rest are added up into one "Lainnya"
// ("Others") bar. An empty items draws a chart that says there is no data
// yet. lang is "id" or "en".
func Bars(title string, items []records.Count, limit int, lang string) ([]byte, error) {
	if len(items) == 0 {
		return empty(title, lang)
	}
	sorted := largest(items, limit, lang)
	n := len(sorted)
	values := make([]float64, n)
	labels := make([]string, n)
	top := 0
	for i, c := range sorted {
		// The library draws the first value at the bottom: reverse, so the
		// largest is on top.
		j := n - 1 - i
		values[j] = float64(max(c.N, 0))
		labels[j] = shorten(name(c.Key, c.Label, lang))
		top = max(top, c.N)
	}

	opt := gc.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.Theme = gc.GetDefaultTheme().WithSeriesColors([]gc.Color{barColor})
	frame(&opt, title, labels)
	opt.Legend.Show = gc.Ptr(false)
	// Headroom beyond the longest bar for its number.
	axis(&opt, int(math.Ceil(float64(top)*1.1)))
	opt.SeriesList[0].Label = gc.SeriesLabel{
		Show:           gc.Ptr(true),
		ValueFormatter: integer,
		FontStyle:      gc.FontStyle{FontSize: 12, FontColor: inkColor},
	}
	return render(opt, n)
}

// Compliance draws one stacked bar per item, in the order given: the stays
// that kept their deadline (green), missed it (red) and are still running
// (grey), each segment wide enough with its number, and each item's rate
// (kept of finished or late) after its name. Beyond MaxBars items the rest
// are added up into one "Lainnya" bar. An empty items draws a chart that
// says there is no data yet. lang is "id" or "en".
func Compliance(title string, items []records.Compliance, lang string) ([]byte, error) {
	if len(items) == 0 {
		return empty(title, lang)
	}
	list := capped(items, lang)
	n := len(list)
	series := [3][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	labels := make([]string, n)
	top := 0
	for i, c := range list {
		j := n - 1 - i // first item on top, as in Bars
		series[0][j] = float64(max(c.Met, 0))
		series[1][j] = float64(max(c.Missed, 0))
		series[2][j] = float64(max(c.Running, 0))
		labels[j] = shorten(name(c.Key, c.Label, lang))
		if r := c.Rate(); r >= 0 {
			labels[j] += " (" + strconv.Itoa(int(math.Round(r*100))) + "%)"
		}
		top = max(top, max(c.Met, 0)+max(c.Missed, 0)+max(c.Running, 0))
	}

	opt := gc.NewBarChartOptionWithData(series[:])
	opt.Horizontal = true
	opt.StackSeries = gc.Ptr(true)
	opt.Theme = gc.GetDefaultTheme().WithSeriesColors([]gc.Color{metColor, missedColor, runningColor})
	frame(&opt, title, labels)
	opt.Legend.SeriesNames = []string{word(lang, "met"), word(lang, "missed"), word(lang, "running")}
	opt.Legend.Offset = gc.OffsetRight
	opt.Legend.FontStyle = gc.FontStyle{FontSize: 13, FontColor: inkColor}
	axisMax := axis(&opt, top)
	// The library puts a stacked label just past its segment's end; it is
	// moved back inside the segment, in white, and left out where the
	// segment is too narrow to hold three digits (under 1/20 of the axis,
	// about 30 px of a plot at least 600 px wide).
	for i := range opt.SeriesList {
		opt.SeriesList[i].Label = gc.SeriesLabel{
			Show:      gc.Ptr(true),
			FontStyle: gc.FontStyle{FontSize: 11, FontColor: white},
			Offset:    gc.OffsetInt{Left: -(5 + 24)},
			LabelFormatter: func(_ int, _ string, v float64) (string, *gc.LabelStyle) {
				if v <= 0 || v < float64(axisMax)/20 {
					return "", nil
				}
				return integer(v), nil
			},
		}
	}
	return render(opt, n)
}

// largest sorts counts largest first (ties keep their order) and keeps at
// most limit bars, the last of them adding up the rest.
func largest(items []records.Count, limit int, lang string) []records.Count {
	if limit <= 0 || limit > MaxBars {
		limit = MaxBars
	}
	limit = max(limit, 2) // one bar of "others" alone says nothing
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(x, y records.Count) int { return cmp.Compare(y.N, x.N) })
	if len(sorted) <= limit {
		return sorted
	}
	rest := 0
	for _, c := range sorted[limit-1:] {
		rest += c.N
	}
	return append(sorted[:limit-1:limit-1], records.Count{Key: "others", Label: word(lang, "others"), N: rest})
}

// capped keeps the order given and at most MaxBars bars, the last of them
// adding up the rest.
func capped(items []records.Compliance, lang string) []records.Compliance {
	if len(items) <= MaxBars {
		return items
	}
	rest := records.Compliance{Key: "others", Label: word(lang, "others")}
	for _, c := range items[MaxBars-1:] {
		rest.Met += c.Met
		rest.Missed += c.Missed
		rest.Running += c.Running
	}
	return append(slices.Clone(items[:MaxBars-1]), rest)
}

// frame sets what both charts share: title, padding, category names.
func frame(opt *gc.BarChartOption, title string, labels []string) {
	opt.Title = gc.TitleOption{
		Text:      title,
		FontStyle: gc.FontStyle{FontSize: 18, FontColor: inkColor},
	}
	opt.Padding = gc.Box{Top: 20, Right: 40, Bottom: 20, Left: 20}
	opt.CategoryAxis = gc.CategoryAxisOption{
		Labels:         labels,
		LabelFontStyle: gc.FontStyle{FontSize: 13, FontColor: inkColor},
	}
	opt.ValueFormatter = integer
}

// axis sets a value axis of whole numbers from 0 to a round number at or
// above top, and returns that number.
func axis(opt *gc.BarChartOption, top int) int {
	step := niceStep(max(top, 1))
	ticks := (max(top, 1) + step - 1) / step
	axisMax := ticks * step
	opt.ValueAxis[0].Min = gc.Ptr(0.0)
	opt.ValueAxis[0].Max = gc.Ptr(float64(axisMax))
	opt.ValueAxis[0].LabelCount = ticks + 1
	opt.ValueAxis[0].PreferNiceIntervals = gc.Ptr(false)
	opt.ValueAxis[0].ValueFormatter = integer
	opt.ValueAxis[0].LabelFontStyle = gc.FontStyle{FontSize: 12, FontColor: mutedColor}
	return axisMax
}

// niceStep is a whole 1, 2 or 5 × 10ⁿ that divides [0, top] into at most
// five steps.
func niceStep(top int) int {
	for mag := 1; ; mag *= 10 {
		for _, m := range []int{1, 2, 5} {
			if s := m * mag; s*5 >= top {
				return s
			}
		}
	}
}

func render(opt gc.BarChartOption, bars int) ([]byte, error) {
	p := gc.NewPainter(gc.PainterOptions{OutputFormat: gc.ChartOutputPNG, Width: Width, Height: height(bars)})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("error drawing chart: %w", err)
	}
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("error encoding chart: %w", err)
	}
	return b, nil
}

// height grows with the number of bars, within [minHeight, maxHeight].
func height(bars int) int {
	return min(max(frameHeight+bars*rowHeight, minHeight), maxHeight)
}

// empty is a chart with its title and a line saying there is no data yet,
// so a caller can send or print it like any other.
func empty(title, lang string) ([]byte, error) {
	h := minHeight
	p := gc.NewPainter(gc.PainterOptions{OutputFormat: gc.ChartOutputPNG, Width: Width, Height: h})
	p.FilledRect(0, 0, Width, h, white, white, 0)
	if title != "" {
		p.Text(title, 20, 40, 0, gc.FontStyle{FontSize: 18, FontColor: inkColor})
	}
	msg := word(lang, "nodata")
	style := gc.FontStyle{FontSize: 26, FontColor: mutedColor}
	box := p.MeasureText(msg, 0, style)
	p.Text(msg, (Width-box.Width())/2, (h+box.Height())/2+10, 0, style)
	b, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("error encoding chart: %w", err)
	}
	return b, nil
}

// name is what a bar is called: its label, else its key, else "unknown"
// (reports without a kecamatan or agency).
func name(key, label, lang string) string {
	if s := strings.TrimSpace(label); s != "" {
		return s
	}
	if s := strings.TrimSpace(key); s != "" {
		return s
	}
	return word(lang, "unknown")
}

// shorten cuts a name to maxLabelRunes with an ellipsis, at a word
// boundary when one is near.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxLabelRunes {
		return s
	}
	r := []rune(s)[:maxLabelRunes-1]
	if i := lastSpace(r); i >= maxLabelRunes*3/4 {
		r = r[:i]
	}
	return strings.TrimRight(string(r), " ,.-") + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == ' ' {
			return i
		}
	}
	return -1
}

func integer(v float64) string { return strconv.FormatInt(int64(math.Round(v)), 10) }
