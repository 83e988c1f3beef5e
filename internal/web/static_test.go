package web

import "testing"

func TestMinifyCSS(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"a { color: red; }\n\n/* gone */\nb {\n  margin: 0 auto;\n}\n", "a{color: red;}b{margin: 0 auto;}"},
		{`.x::before { content: "a  /* kept */  b"; }`, `.x::before{content: "a  /* kept */  b";}`},
		{".y { width: calc(100% + .75em); }", ".y{width: calc(100% + .75em);}"},
		{".z :hover , .w > p ~ q { top: 0 }", ".z :hover , .w > p ~ q{top: 0}"},
		{"@media (max-width: 30em) {\n  .a { b: c; }\n}", "@media (max-width: 30em){.a{b: c;}}"},
		{"a{b:c}/* unterminated", "a{b:c}"},
	}
	for _, tt := range tests {
		if got := string(minifyCSS([]byte(tt.in))); got != tt.want {
			t.Errorf("minifyCSS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
