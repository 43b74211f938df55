package main

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Desk kinds of the SOP chain.
const (
	deskSuper   = "super_admin"
	deskRegency = "regency_admin"
	deskAgency  = "agency"
)

// Desk is a registered group and its officer.
type Desk struct {
	Kind   string
	Agency string // for agency desks
	Group  int64
	User   int64
}

// desks are the groups of a run: the super admin's, the regency admin's
// and one per agency (at least one, pupr).
func desks(agencies int) []Desk {
	codes := []string{"pupr", "dinkes", "dishub", "disperkim", "dinsos", "dlhp", "dispendukcapil", "dikpora"}
	out := []Desk{{Kind: deskSuper, Group: -1001, User: 9001}, {Kind: deskRegency, Group: -1002, User: 9002}}
	for i := 0; i < min(max(agencies, 1), len(codes)); i++ {
		out = append(out, Desk{Kind: deskAgency, Agency: codes[i], Group: -1003 - int64(i), User: 9003 + int64(i)})
	}
	return out
}

// Chain moves filed reports through the officers: verification by the
// super admin, disposition and approval by the regency admin, the answer
// by an agency's liaison officer.
type Chain struct {
	verify  chan string
	dispose chan string
	approve chan string
	answer  map[string]chan string
	next    int
	mu      sync.Mutex
	agents  []string
	Done    map[string]int // steps done, by kind
}

// NewChain returns the queues between the desks.
func NewChain(ds []Desk) *Chain {
	c := &Chain{verify: make(chan string, 100000), dispose: make(chan string, 100000), approve: make(chan string, 100000),
		answer: map[string]chan string{}, Done: map[string]int{}}
	for _, d := range ds {
		if d.Kind == deskAgency {
			c.answer[d.Agency] = make(chan string, 100000)
			c.agents = append(c.agents, d.Agency)
		}
	}
	return c
}

// Filed hands a new report to the super admin's queue.
func (c *Chain) Filed(id string) {
	select {
	case c.verify <- id:
	default:
	}
}

func (c *Chain) done(kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Done[kind]++
}

// Officer works one desk's queue at a steady pace until ctx ends.
func (c *Chain) Officer(ctx context.Context, p *Person, d Desk, perSecond float64) {
	if perSecond <= 0 {
		return
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var err error
		switch d.Kind {
		case deskSuper:
			err = c.step(ctx, p, c.verify, "verify", func(id string) []action {
				return []action{{"text", "/verifikasi " + id, "✅ " + id}}
			}, c.dispose)
		case deskRegency:
			err = c.step(ctx, p, c.approve, "approve", func(id string) []action {
				return []action{{"text", "/setujui " + id, "✅ " + id}}
			}, nil)
			if errors.Is(err, errEmpty) {
				c.mu.Lock()
				agency := c.agents[c.next%len(c.agents)]
				c.next++
				c.mu.Unlock()
				err = c.step(ctx, p, c.dispose, "dispose", func(id string) []action {
					return []action{{"text", "/disposisi " + id + " " + agency, "✅ " + id}}
				}, c.answer[agency])
			}
		case deskAgency:
			err = c.step(ctx, p, c.answer[d.Agency], "answer", func(id string) []action {
				return []action{
					{"text", "/tanggapi " + id + " Saluran sudah dibersihkan oleh tim UPT pada hari ini.", "dicatat"},
					{"text", "/tanggapi " + id + " selesai", "✅ " + id},
				}
			}, c.approve)
		}
		if err != nil && !errors.Is(err, errEmpty) && ctx.Err() == nil {
			p.rec.Error("officer: no answer to " + d.Kind + " step")
		}
	}
}

var errEmpty = errors.New("queue empty")

func (c *Chain) step(ctx context.Context, p *Person, from chan string, kind string, acts func(string) []action, to chan string) error {
	var id string
	select {
	case id = <-from:
	default:
		return errEmpty
	}
	for _, a := range acts(id) {
		if _, err := p.Do(ctx, a); err != nil {
			return err
		}
	}
	c.done(kind)
	if to != nil {
		select {
		case to <- id:
		default:
		}
	}
	return nil
}
