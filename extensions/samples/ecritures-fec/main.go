// Hook accounting-export v1: the payments of a range of months as a FEC (Fichier des écritures
// comptables, article A47 A-1 of the Livre des procédures fiscales), the tab-separated layout
// French accounting software imports: one entry per payment, the treasury account debited and
// the member's account (411, with the member as sub-account) credited, in ISO-8859-15.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/extism/go-pdk"
)

type payment struct {
	ReceivedOn    string `json:"receivedOn"`
	InvoiceNumber int    `json:"invoiceNumber"`
	InvoiceLabel  string `json:"invoiceLabel"`
	MemberID      string `json:"memberId"`
	MemberName    string `json:"memberName"`
	Method        string `json:"method"`
	Amount        int64  `json:"amount"`
	Reference     string `json:"reference"`
	Bank          string `json:"bank"`
}

type input struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Garden struct {
		Name  string `json:"name"`
		Siret string `json:"siret"`
	} `json:"garden"`
	Payments []payment `json:"payments"`
}

// Where each means of payment lands: the journal and the treasury account debited.
type treasury struct{ journal, journalLabel, account, accountLabel, method string }

var treasuries = map[string]treasury{
	"card":     {"BQ", "Banque", "512000", "Banque", "carte bancaire"},
	"sepa":     {"BQ", "Banque", "512000", "Banque", "prélèvement SEPA"},
	"transfer": {"BQ", "Banque", "512000", "Banque", "virement"},
	"cheque":   {"CH", "Remises de chèques", "511200", "Chèques à encaisser", "chèque"},
	"cash":     {"CA", "Caisse", "530000", "Caisse", "espèces"},
}

const membersAccount, membersAccountLabel = "411000", "Adhérents"

var columns = []string{
	"JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
	"CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
	"EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
}

// A field never holds the separators of the file.
var flatten = strings.NewReplacer("\t", " ", "\r", " ", "\n", " ")

func day(iso string) string { return strings.ReplaceAll(iso, "-", "") }

func amount(cents int64) string { return fmt.Sprintf("%d,%02d", cents/100, cents%100) }

// The answer is written as JSON in one buffer, its content escaped as it goes: a year of a
// large garden (10,000 payments, 3.4 MB of FEC) then takes about a third of the memory that
// lines joined and marshalled took (several copies of the content at once).
type answer struct{ bytes.Buffer }

// writeString writes s as the inside of a JSON string.
func (a *answer) writeString(s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			a.WriteByte('\\')
			a.WriteByte(c)
		case c == '\t':
			a.WriteString(`\t`)
		case c == '\r':
			a.WriteString(`\r`)
		case c == '\n':
			a.WriteString(`\n`)
		case c < 0x20:
			fmt.Fprintf(a, `\u%04x`, c)
		default:
			a.WriteByte(c) // UTF-8 as it is: JSON allows it
		}
	}
}

// line writes one line of the FEC: its fields, flattened, tab-separated, ended by CRLF.
func (a *answer) line(fields ...string) {
	for i, field := range fields {
		if i > 0 {
			a.WriteString(`\t`)
		}
		a.writeString(flatten.Replace(field))
	}
	a.WriteString(`\r\n`)
}

func export(in input) ([]byte, error) {
	// Named <SIREN>FEC<closing day>: the SIREN is the SIRET's first nine digits.
	end, err := time.Parse("2006-01", in.To)
	if err != nil {
		return nil, fmt.Errorf("month %q: %w", in.To, err)
	}
	closing := end.AddDate(0, 1, -1).Format("20060102")
	var out answer
	// About 380 bytes of JSON a payment: one growth at most.
	out.Grow(1024 + 400*len(in.Payments))
	out.WriteString(`{"fileName":"`)
	out.writeString(in.Garden.Siret[:9] + "FEC" + closing + ".txt")
	out.WriteString(`","mediaType":"text/plain","encoding":"iso-8859-15","byteOrderMark":false,"content":"`)
	out.line(columns...)
	numbers := map[string]int{}
	for _, p := range in.Payments {
		t, ok := treasuries[p.Method]
		if !ok {
			return nil, fmt.Errorf("unknown means of payment %q", p.Method)
		}
		numbers[t.journal]++
		number := fmt.Sprintf("%s%06d", t.journal, numbers[t.journal])
		label := "Règlement " + p.InvoiceLabel + " " + t.method
		if p.Reference != "" {
			label += " " + p.Reference
		}
		date := day(p.ReceivedOn)
		out.line(t.journal, t.journalLabel, number, date, t.account, t.accountLabel, "", "",
			p.InvoiceLabel, date, label, amount(p.Amount), "0,00", "", "", date, "", "")
		out.line(t.journal, t.journalLabel, number, date, membersAccount, membersAccountLabel,
			p.MemberID, p.MemberName, p.InvoiceLabel, date, label, "0,00", amount(p.Amount), "", "", date, "", "")
	}
	out.WriteString(`"}`)
	return out.Bytes(), nil
}

//go:wasmexport accounting_export
func accountingExport() int32 {
	var in input
	if err := json.Unmarshal(pdk.Input(), &in); err != nil {
		pdk.SetError(err)
		return 1
	}
	if len(in.Garden.Siret) != 14 {
		pdk.SetErrorString("garden.siret must have 14 digits")
		return 1
	}
	data, err := export(in)
	if err != nil {
		pdk.SetError(err)
		return 1
	}
	pdk.Output(data)
	return 0
}

func main() {}
