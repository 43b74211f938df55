package records

// Load is what one agency holds at a moment, whatever month the reports
// came in: a month's compliance alone says nothing of the overdue reports
// it still holds from earlier months.
type Load struct {
	Key     string // the agency's code
	Label   string // its name
	Open    int    // reports at the agency now
	Overdue int    // of those, past their deadline
}
