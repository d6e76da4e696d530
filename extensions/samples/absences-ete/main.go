// Hook absence-policy v1: in July and August, when most households go away, an absence's
// basket is credited (taken off the next invoice) instead of the garden's usual policy, and two
// more absences than the season's maximum are allowed. The rest of the year, the garden's rules
// (donated, compensated or credited), in its words.
package main

import (
	"encoding/json"
	"fmt"

	"github.com/extism/go-pdk"
)

type input struct {
	Date   string `json:"date"`
	Season struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"season"`
	AbsencesThisSeason []string `json:"absencesThisSeason"`
	Rules              struct {
		MaxAbsencesPerSeason int    `json:"maxAbsencesPerSeason"`
		AbsencePolicy        string `json:"absencePolicy"`
	} `json:"rules"`
}

type text struct {
	Fr string `json:"fr"`
	En string `json:"en"`
}

type output struct {
	Decision string `json:"decision"`
	Reason   text   `json:"reason"`
}

const summerExtra = 2

var policies = map[string]text{
	"donated": {
		"Le panier d’un adhérent absent est donné à une association partenaire.",
		"An absent member's basket is given to a partner charity.",
	},
	"compensated": {
		"Le panier d’un adhérent absent est ajouté à sa livraison suivante.",
		"An absent member's basket is added to their next delivery.",
	},
	"credited": {
		"Le panier d’un adhérent absent lui est crédité : son prix est déduit de sa prochaine facture.",
		"An absent member's basket is credited: its price is taken off their next invoice.",
	},
}

// A rule the hook may gain within its version (as `credited` was): the garden's rule all the
// same, in words that fit any rule, since an empty reason is refused by the output schema and
// the call would count as a failure.
var otherPolicy = text{
	"Le panier d’un adhérent absent suit la règle du jardin.",
	"An absent member's basket follows the garden's rule.",
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

func decide(in input) output {
	taken := 0
	for _, day := range in.AbsencesThisSeason {
		if day != in.Date && day >= in.Season.Start && day <= in.Season.End {
			taken++
		}
	}
	month := in.Date[5:7]
	summer := month == "07" || month == "08"
	limit := in.Rules.MaxAbsencesPerSeason
	if summer {
		limit += summerExtra
	}
	if limit == 0 {
		return output{"refused", text{
			"Le jardin ne prévoit pas d'absences : parlez-en à l'équipe du jardin.",
			"The garden does not take absences: talk to the garden staff.",
		}}
	}
	if taken >= limit {
		return output{"refused", text{
			fmt.Sprintf("Vous avez déjà signalé %d absence%s cette saison : c'est le maximum prévu par le jardin.", taken, plural(taken)),
			fmt.Sprintf("You have already reported %d absence%s this season: that is the garden's maximum.", taken, plural(taken)),
		}}
	}
	if summer {
		return output{"credited", text{
			"En juillet et en août, le panier d’un adhérent absent est déduit de sa prochaine facture.",
			"In July and August, an absent member's basket is taken off their next invoice.",
		}}
	}
	words, known := policies[in.Rules.AbsencePolicy]
	if !known {
		words = otherPolicy
	}
	return output{in.Rules.AbsencePolicy, words}
}

//go:wasmexport absence_policy
func absencePolicy() int32 {
	var in input
	if err := json.Unmarshal(pdk.Input(), &in); err != nil || len(in.Date) != 10 {
		pdk.SetErrorString("absence-policy: the input is not the hook's")
		return 1
	}
	data, err := json.Marshal(decide(in))
	if err != nil {
		pdk.SetError(err)
		return 1
	}
	pdk.Output(data)
	return 0
}

func main() {}
