package bot

// Delivery is what became of one attempt at delivering an outbox message.
type Delivery int

const (
	Delivered           Delivery = iota // sent whole (or an edit applied or dropped as moot)
	DeliveryFailed                      // refused for good by the platform, or undecodable
	DeliveryBlocked                     // the chat refuses the bot; its undelivered messages are failed
	DeliveryRetried                     // a transient error; tried again after a back-off
	DeliveryRateLimited                 // the platform asked to wait (HTTP 429 or its like); tried again then
	NumDeliveries                       // how many kinds there are, for tables indexed by Delivery
)

// String is the kind's name as the metrics label it.
func (k Delivery) String() string {
	switch k {
	case Delivered:
		return "sent"
	case DeliveryFailed:
		return "failed"
	case DeliveryBlocked:
		return "blocked"
	case DeliveryRetried:
		return "retried"
	case DeliveryRateLimited:
		return "rate_limited"
	}
	return "other"
}

// Meter counts what one channel's dispatcher does, for the service's
// metrics (package metrics). It is called on the delivery path, so an
// implementation must be cheap and safe for concurrent use.
type Meter interface {
	Delivery(k Delivery)
	// RateLimited counts a platform's "too many requests": for the whole
	// account (every chat waits) or for one chat.
	RateLimited(account bool)
}

// noMeter counts nothing.
type noMeter struct{}

func (noMeter) Delivery(Delivery) {}
func (noMeter) RateLimited(bool)  {}
