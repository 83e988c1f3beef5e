package web

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// currencySymbols are the symbols of a few common currencies, written before the amount; any
// other code is written as it is, with a space ("CHF 599").
var currencySymbols = map[string]string{
	"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩",
	"AUD": "A$", "CAD": "C$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "MXN": "MX$", "BRL": "R$",
}

// money returns a price as a page shows it in the line's currency (an ISO 4217 code, "" for
// none): "$599", "€1,299.50", "CHF 599". A price that is not a plain number ("from 349", "n/a")
// is shown as entered, and so is every price of a line without a currency.
func money(price, currency string) string {
	price = strings.TrimSpace(price)
	if price == "" || currency == "" {
		return price
	}
	f, err := strconv.ParseFloat(price, 64)
	if err != nil || f < 0 {
		return price
	}
	amount := groupThousands(f)
	if sym, ok := currencySymbols[currency]; ok {
		return sym + amount
	}
	return currency + " " + amount
}

// groupThousands writes a non-negative amount with commas between thousands and two decimals
// only when it has cents: 1299 → "1,299", 349.5 → "349.50".
func groupThousands(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	whole, cents, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if cents != "00" {
		b.WriteString("." + cents)
	}
	return b.String()
}

// pct writes a percentage for an SVG attribute: 12.5 → "12.5%".
func pct(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) + "%" }

// oneDecimal writes a rating with one decimal: "4.3".
func oneDecimal(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// classIf is a class attribute when cond holds, and no attribute otherwise (not class="").
func classIf(cond bool, class string) templ.Attributes {
	if cond {
		return templ.Attributes{"class": class}
	}
	return nil
}
