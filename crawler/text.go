package crawler

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// decode turns a raw body into UTF-8 text. A body that is valid UTF-8 is
// taken as UTF-8 whatever is declared (a single-byte charset label on
// UTF-8 bytes is the usual mislabel); otherwise the charset comes from
// the BOM, the Content-Type header, <meta charset> or the XML declaration,
// defaulting to windows-1252. Bytes that are invalid in a page declared
// UTF-8 are read as windows-1252, which recovers the common stray
// "smart quote".
func decode(body []byte, contentType string) string {
	if bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}) {
		body = body[3:]
	}
	utf16 := bytes.HasPrefix(body, []byte{0xFE, 0xFF}) || bytes.HasPrefix(body, []byte{0xFF, 0xFE})
	if !utf16 && utf8.Valid(body) {
		return string(body)
	}
	if !utf16 {
		if label := xmlEncoding(body); label != "" && !strings.Contains(strings.ToLower(contentType), "charset") {
			contentType = "text/xml; charset=" + label
		}
	}
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" && !utf16 {
		// Declared UTF-8 but it is not: a <meta> may know better.
		enc, name, _ = charset.DetermineEncoding(body, "text/html")
		if name == "utf-8" || name == "windows-1252" {
			return repairUTF8(body)
		}
	}
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return repairUTF8(body)
	}
	return string(out)
}

// xmlEncoding returns the encoding label of an XML declaration, if any.
func xmlEncoding(b []byte) string {
	head := b[:min(len(b), 200)]
	if !bytes.HasPrefix(bytes.TrimSpace(head), []byte("<?xml")) {
		return ""
	}
	i := bytes.Index(head, []byte("encoding="))
	if i < 0 || i+10 > len(head) {
		return ""
	}
	rest := head[i+9:]
	q := rest[0]
	if q != '"' && q != '\'' {
		return ""
	}
	j := bytes.IndexByte(rest[1:], q)
	if j < 0 {
		return ""
	}
	return string(rest[1 : 1+j])
}

// repairUTF8 keeps valid UTF-8 sequences and reads each invalid byte as
// windows-1252.
func repairUTF8(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	dec := charmap.Windows1252
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(dec.DecodeByte(b[0]))
			b = b[1:]
			continue
		}
		sb.WriteRune(r)
		b = b[n:]
	}
	return sb.String()
}

// skipText are elements whose content is never ad text.
var skipText = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"iframe": true, "object": true, "svg": true, "head": true, "button": true,
}

var blockElems = map[string]bool{
	"p": true, "div": true, "li": true, "ul": true, "ol": true, "br": true, "tr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"section": true, "article": true, "table": true, "blockquote": true, "pre": true,
	"header": true, "footer": true, "dd": true, "dt": true, "dl": true, "hr": true,
	"td": true, "th": true, "main": true, "aside": true, "figure": true,
}

// plainText is the visible text of a selection, one line per block, with
// whitespace collapsed. Markup, scripts and styles are dropped: ad HTML
// is never passed on.
func plainText(sel *goquery.Selection) string {
	var sb strings.Builder
	for _, n := range sel.Nodes {
		writeText(&sb, n)
		sb.WriteByte('\n')
	}
	return tidy(sb.String())
}

func writeText(sb *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		sb.WriteString(n.Data)
		return
	case html.ElementNode:
		if skipText[n.Data] {
			return
		}
	case html.CommentNode, html.DoctypeNode:
		return
	}
	block := n.Type == html.ElementNode && blockElems[n.Data]
	if block {
		sb.WriteByte('\n')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		writeText(sb, c)
	}
	if block {
		sb.WriteByte('\n')
	}
}

// htmlText is the plain text of an HTML fragment (a feed description, a
// JSON-LD description).
func htmlText(fragment string) string {
	if !strings.ContainsAny(fragment, "<&") {
		return tidy(fragment)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(fragment))
	if err != nil {
		return tidy(fragment)
	}
	return plainText(doc.Selection)
}

// tidy collapses runs of spaces within lines, trims lines, drops control
// characters and empty lines (one line per block or paragraph). It is on
// the hot path of every page, hence one pass copying whole words.
func tidy(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	space, newlines := false, 0
	word := -1 // start of the word being read, or -1
	flush := func(end int) {
		if word < 0 {
			return
		}
		if out.Len() > 0 {
			switch {
			case newlines > 0:
				out.WriteByte('\n')
			case space:
				out.WriteByte(' ')
			}
		}
		out.WriteString(s[word:end])
		space, newlines, word = false, 0, -1
	}
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r == '\n' || isSpace(r) || isControl(r) || (r == utf8.RuneError && n == 1):
			flush(i)
			if r == '\n' {
				newlines++
			} else if isSpace(r) {
				space = true
			}
		case word < 0:
			word = i
		}
		i += n
	}
	flush(len(s))
	return out.String()
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || r == '\t' || r == '\r' || r == '\v' || r == '\f'
	}
	return unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b'
}

func isControl(r rune) bool {
	return r < ' ' || (r >= 0x7f && r < 0xa0)
}
