package pyargs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseInt reads s as Python's int(s) does: surrounding white space is ignored, an optional
// sign, then decimal digits that single underscores may separate. Values outside Go's int
// range are rejected.
func parseInt(s string) (int, bool) {
	sign, body := splitSign(strings.TrimSpace(s))
	if !digitPart(body) {
		return 0, false
	}
	v, err := strconv.ParseInt(sign+strings.ReplaceAll(body, "_", ""), 10, strconv.IntSize)
	if err != nil {
		return 0, false
	}
	return int(v), true
}

// parseFloat reads s as Python's float(s) does: surrounding white space is ignored, an
// optional sign, then "inf", "infinity" or "nan" in any case, or a decimal literal such as
// "1", "1.", ".5", "1_000.5" or "1e-3". Hexadecimal floats, which Go accepts and Python's
// float() does not, are rejected. Like Python, a literal too large for a float64 reads as an
// infinity.
func parseFloat(s string) (float64, bool) {
	sign, body := splitSign(strings.TrimSpace(s))
	neg := sign == "-"
	switch strings.ToLower(body) {
	case "inf", "infinity":
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	if !decimalLiteral(body) {
		return 0, false
	}
	v, err := strconv.ParseFloat(sign+strings.ReplaceAll(body, "_", ""), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return v, true
}

// splitSign splits an optional leading '+' or '-' off s.
func splitSign(s string) (sign, body string) {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		return s[:1], s[1:]
	}
	return "", s
}

// digitPart reports whether s is one or more ASCII digits, which single underscores may
// separate (Python's digitpart).
func digitPart(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			if i == 0 || i == len(s)-1 || s[i-1] == '_' {
				return false
			}
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// decimalLiteral reports whether s, without sign, is a Python decimal float literal:
// digits ["." [digits]] or "." digits, then an optional exponent "e" [sign] digits.
func decimalLiteral(s string) bool {
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
		_, exp = splitSign(exp)
		if !digitPart(exp) {
			return false
		}
	}
	whole, frac, dot := strings.Cut(mant, ".")
	switch {
	case !dot:
		return digitPart(whole)
	case whole == "":
		return digitPart(frac)
	case frac == "":
		return digitPart(whole)
	}
	return digitPart(whole) && digitPart(frac)
}

// looksNegative reports whether s is a negative number ("-1", "-.5", "-1e-3"), which the
// command line treats as a value rather than an option.
func looksNegative(s string) bool {
	return len(s) > 1 && s[0] == '-' && decimalLiteral(s[1:])
}

// startsNegative reports whether s starts as a negative number does: "-" and a digit or a
// point ("-5s", "-1x"), so that it reads as a (bad) value rather than an option.
func startsNegative(s string) bool {
	return len(s) > 1 && s[0] == '-' && (s[1] >= '0' && s[1] <= '9' || s[1] == '.')
}

// pyFloat formats x as Python's repr(float) does: the shortest representation that reads
// back exactly, with ".0" on integral values and an exponent below 1e-4 or from 1e16 on.
func pyFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	case x == 0 && math.Signbit(x):
		return "-0.0"
	case x == 0:
		return "0.0"
	}
	e := strconv.FormatFloat(x, 'e', -1, 64)
	exp, err := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if err != nil || exp < -4 || exp >= 16 {
		return e
	}
	f := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.Contains(f, ".") {
		f += ".0"
	}
	return f
}

// pyRepr quotes s as Python's repr(str) does in error messages: single quotes unless s
// holds a single quote and no double quote, with backslash escapes for the quote, the
// backslash and unprintable characters.
func pyRepr(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
	}
	b.WriteByte(q)
	return b.String()
}

// shellQuote returns s as a user would type it to a POSIX shell: unchanged when it holds
// only safe characters, otherwise in single quotes (two quotes for the empty string).
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("@%+=:,./_-", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// joinFormatted formats each element of v with format and joins them with spaces, the way
// a list is typed on the command line.
func joinFormatted[T any](v []T, format func(T) string) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = format(x)
	}
	return strings.Join(parts, " ")
}
