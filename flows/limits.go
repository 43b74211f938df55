package flows

import "time"

// Limits as people read them. A text never states a limit as a literal
// number (limits_internal_test.go checks the text maps): its call site
// passes the number from the policy, Config or the constant that enforces
// it.

// CodeValidDays is how long a desk's registration or sign-in code lasts,
// in days, as officers and the command line state it.
func CodeValidDays() int { return int(codeValid / (24 * time.Hour)) }
