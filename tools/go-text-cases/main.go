// Command go-text-cases prints, for a table of hard string values, what Go's standard library makes of
// them: encoding/json (HTML escaping on, as slog's JSON sink), strconv.Quote (slog's %q for raw JSON),
// slog's human quote() rule (reference coder-events.md §5.3, rebuilt here from that description on top of
// strconv.Quote and unicode.IsSpace) and strings.TrimSpace.
//
// Its output is committed as src/test/resources/golden/go-text-cases.ndjson; GoTextCasesTest checks the
// Java port against it. Regenerate with:  go run ./tools/go-text-cases > src/test/resources/golden/go-text-cases.ndjson
//
// Go 1.19 writes U+0008 and U+000C as \u0008 and \u000c; Go 1.22 and later (what Coder builds with) write
// \b and \f. The output is normalised to the newer form so the table matches current Coder.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"
)

func humanQuote(s string) string {
	if s == "" {
		return `""`
	}
	hasSpace := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			hasSpace = true
			break
		}
	}
	q := strconv.Quote(s)
	if !hasSpace && q[1:len(q)-1] == s {
		return s
	}
	return q
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	out := strings.TrimSuffix(b.String(), "\n")
	out = strings.ReplaceAll(out, `\u0008`, `\b`)
	out = strings.ReplaceAll(out, `\u000c`, `\f`)
	return out
}

type row struct {
	Name   string `json:"name"`
	Input  string `json:"input_base64"`
	JSON   string `json:"json"`
	Human  string `json:"human"`
	Quoted string `json:"quoted"`
	Trim   string `json:"trim_base64"`
}

func main() {
	cases := []struct{ name, s string }{
		{"empty", ""},
		{"plain", "alice"},
		{"space", "a b"},
		{"equals_amp_lt_gt_slash", "a=b&c<d>/e'f"},
		{"quote_backslash", `say "hi" \o/`},
		{"tab", "a\tb"},
		{"crlf", "line one\r\nline two"},
		{"newline_start", "\nabc"},
		{"newline_end", "abc\n"},
		{"newline_middle", "a\nb"},
		{"only_newline", "\n"},
		{"only_space", " "},
		{"u2028_u2029", "a\u2028b\u2029c"},
		{"nbsp", "a\u00a0b"},
		{"nel", "a\u0085b"},
		{"ogham_space", "a\u1680b"},
		{"ideographic_space", "a\u3000b"},
		{"narrow_nbsp", "a\u202fb"},
		{"soft_hyphen", "a\u00adb"},
		{"zero_width_space", "a\u200bb"},
		{"bom", "\ufeffabc"},
		{"emoji", "emoji 🚀"},
		{"emoji_bare", "🚀✨"},
		{"flag_zwj", "🏳️‍🌈"},
		{"combining", "e\u0301"},
		{"cjk", "日本語"},
		{"replacement_char", "a\ufffdb"},
		{"private_use", "a\ue000b"},
		{"unassigned", "a\u0378b"},
		{"max_rune", "a\U0010ffffb"},
		{"del", "a\x7fb"},
		{"invalid_ff", "a\xffb"},
		{"invalid_lone_lead", "a\xc3b"},
		{"invalid_overlong", "a\xc0\xafb"},
		{"invalid_surrogate", "a\xed\xa0\x80b"},
		{"invalid_truncated_4byte", "a\xf0\x9f\x9ab"},
		{"latin1_accents", "é ü ß"},
	}
	for c := 0; c < 0x20; c++ {
		cases = append(cases, struct{ name, s string }{fmt.Sprintf("control_%02x", c), fmt.Sprintf("a%cb", rune(c))})
	}
	var latin strings.Builder
	for r := rune(0x80); r <= 0xff; r++ {
		latin.WriteRune(r)
	}
	cases = append(cases, struct{ name, s string }{"latin1_supplement", latin.String()})
	enc := json.NewEncoder(os.Stdout)
	for _, c := range cases {
		r := row{
			Name:   c.name,
			Input:  base64.StdEncoding.EncodeToString([]byte(c.s)),
			JSON:   jsonString(c.s),
			Human:  humanQuote(c.s),
			Quoted: strconv.Quote(c.s),
			Trim:   base64.StdEncoding.EncodeToString([]byte(strings.TrimSpace(c.s))),
		}
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
}
