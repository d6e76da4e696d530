// Hook accounting-export v1: the payments of a range of months as a FEC (Fichier des écritures
// comptables, article A47 A-1 of the Livre des procédures fiscales), the tab-separated layout
// French accounting software imports: one entry per payment, the treasury account debited and
// the member's account (411, with the member as sub-account) credited, in ISO-8859-15.
package main

import (
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

type output struct {
	FileName      string `json:"fileName"`
	MediaType     string `json:"mediaType"`
	Encoding      string `json:"encoding"`
	ByteOrderMark bool   `json:"byteOrderMark"`
	Content       string `json:"content"`
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

func export(in input) (output, error) {
	var lines []string
	lines = append(lines, strings.Join(columns, "\t"))
	numbers := map[string]int{}
	for _, p := range in.Payments {
		t, ok := treasuries[p.Method]
		if !ok {
			return output{}, fmt.Errorf("unknown means of payment %q", p.Method)
		}
		numbers[t.journal]++
		number := fmt.Sprintf("%s%06d", t.journal, numbers[t.journal])
		label := "Règlement " + p.InvoiceLabel + " " + t.method
		if p.Reference != "" {
			label += " " + p.Reference
		}
		date := day(p.ReceivedOn)
		entry := func(account, accountLabel, aux, auxLabel, debit, credit string) string {
			fields := []string{
				t.journal, t.journalLabel, number, date, account, accountLabel, aux, auxLabel,
				p.InvoiceLabel, date, label, debit, credit, "", "", date, "", "",
			}
			for i, field := range fields {
				fields[i] = flatten.Replace(field)
			}
			return strings.Join(fields, "\t")
		}
		lines = append(lines,
			entry(t.account, t.accountLabel, "", "", amount(p.Amount), "0,00"),
			entry(membersAccount, membersAccountLabel, p.MemberID, p.MemberName, "0,00", amount(p.Amount)),
		)
	}
	// Named <SIREN>FEC<closing day>: the SIREN is the SIRET's first nine digits.
	end, err := time.Parse("2006-01", in.To)
	if err != nil {
		return output{}, fmt.Errorf("month %q: %w", in.To, err)
	}
	closing := end.AddDate(0, 1, -1).Format("20060102")
	return output{
		FileName:      in.Garden.Siret[:9] + "FEC" + closing + ".txt",
		MediaType:     "text/plain",
		Encoding:      "iso-8859-15",
		ByteOrderMark: false,
		Content:       strings.Join(lines, "\r\n") + "\r\n",
	}, nil
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
	out, err := export(in)
	if err != nil {
		pdk.SetError(err)
		return 1
	}
	data, err := json.Marshal(out)
	if err != nil {
		pdk.SetError(err)
		return 1
	}
	pdk.Output(data)
	return 0
}

func main() {}
