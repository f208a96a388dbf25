package dataset

import (
	"fmt"
	"strconv"
	"strings"
)

// npyHeader is the parsed header dictionary of an .npy file.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader parses the Python dict literal of an .npy header, for
// example {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// followed by space padding and a newline. It accepts exactly the keys
// descr, fortran_order and shape, each once, with string, boolean and
// tuple-of-integers values; integers may carry Python 2's "L" suffix.
func parseNPYHeader(s string) (npyHeader, error) {
	p := &dictParser{s: s}
	var h npyHeader
	seen := map[string]bool{}
	p.space()
	if !p.eat('{') {
		return h, p.errorf("header does not start with '{'")
	}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, p.errorf("duplicate key %q", key)
		}
		seen[key] = true
		p.space()
		if !p.eat(':') {
			return h, p.errorf("missing ':' after key %q", key)
		}
		p.space()
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, fmt.Errorf("npy: structured dtype %s is not supported: %w", p.rest(), ErrUnsupported)
			}
			if h.descr, err = p.str(); err != nil {
				return h, err
			}
		case "fortran_order":
			if h.fortran, err = p.boolean(); err != nil {
				return h, err
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, err
			}
		default:
			return h, p.errorf("unknown key %q", key)
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat('}') {
			return h, p.errorf("expected ',' or '}' after the value of %q", key)
		}
		break
	}
	p.space()
	if p.i != len(p.s) {
		return h, p.errorf("unexpected text after '}'")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("npy: header has no %q key: %w", k, ErrFormat)
		}
	}
	return h, nil
}

// dictParser is a cursor over an .npy header literal.
type dictParser struct {
	s string
	i int
}

func (p *dictParser) errorf(format string, args ...any) error {
	return fmt.Errorf("npy: bad header at offset %d: %s: %w", p.i, fmt.Sprintf(format, args...), ErrFormat)
}

func (p *dictParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *dictParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 40 {
		r = r[:40] + "…"
	}
	return strconv.Quote(r)
}

func (p *dictParser) eat(c byte) bool {
	if p.peek() == c && p.i < len(p.s) {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// str parses a single- or double-quoted string without escapes.
func (p *dictParser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.errorf("expected a quoted string, found %s", p.rest())
	}
	start := p.i + 1
	end := strings.IndexByte(p.s[start:], q)
	if end < 0 {
		return "", p.errorf("unterminated string")
	}
	v := p.s[start : start+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", p.errorf("escape sequences are not supported in %q", v)
	}
	p.i = start + end + 1
	return v, nil
}

func (p *dictParser) boolean() (bool, error) {
	switch {
	case strings.HasPrefix(p.s[p.i:], "True"):
		p.i += 4
		return true, nil
	case strings.HasPrefix(p.s[p.i:], "False"):
		p.i += 5
		return false, nil
	}
	return false, p.errorf("expected True or False, found %s", p.rest())
}

// tuple parses "()", "(n,)" or "(a, b, …)" with an optional trailing comma.
func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, p.errorf("expected a tuple, found %s", p.rest())
	}
	dims := []int{}
	for {
		p.space()
		if p.eat(')') {
			return dims, nil
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if p.i == start {
			return nil, p.errorf("expected a non-negative integer in shape, found %s", p.rest())
		}
		v, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
		if err != nil || v > 1<<62 {
			return nil, p.errorf("shape dimension %s is too large", p.s[start:p.i])
		}
		p.eat('L') // Python 2 long literal
		dims = append(dims, int(v))
		if len(dims) > 32 { // numpy's own limit on the number of dimensions
			return nil, p.errorf("shape has more than 32 dimensions")
		}
		p.space()
		if p.eat(')') {
			if len(dims) == 1 {
				return nil, p.errorf("one-element shape tuple needs a trailing comma")
			}
			return dims, nil
		}
		if !p.eat(',') {
			return nil, p.errorf("expected ',' or ')' in shape, found %s", p.rest())
		}
	}
}
