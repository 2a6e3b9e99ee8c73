// Copyright 2026 gongjian authors. Added to FerretDB's handler package at build time.
//
// FerretDB 1.24 applies update and findAndModify as "query, then write the changed
// documents" without a transaction around the two steps, so concurrent updates of one
// document lose writes (400 concurrent $inc gave 19). MongoDB guarantees single-document
// atomicity and our claim rule depends on it, so we serialise the read-modify-write per
// collection. SQLite allows one writer at a time anyway.

package handler

import "sync"

var gongjianWriteLocks sync.Map

func gongjianLockCollection(db, collection string) func() {
	m, _ := gongjianWriteLocks.LoadOrStore(db+"\x00"+collection, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
