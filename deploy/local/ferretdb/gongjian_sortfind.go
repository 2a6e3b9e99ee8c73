// Copyright 2026 gongjian authors. Added to FerretDB's handler package at build time.
//
// The find command's side of the sort pushdown (see gongjian_sort.go in the sqlite
// backend): ask the backend to order the rows by the one top-level sort field; if it did
// and returned at least one row, the handler's chain filters, skips and limits that stream
// without sorting it (so it stops after skip+limit matches). If the backend did not order
// them, or returned nothing (no candidate, or a guard refused: a type SQLite does not order
// like MongoDB, an array in a filter field), the plain query runs and is sorted in memory
// exactly as upstream does.

package handler

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
)

// gongjianQuery runs the find's query; the returned params are those the iterator chain
// must apply (without the sort when the rows already come sorted).
func gongjianQuery(ctx context.Context, coll backends.Collection, qp *backends.QueryParams, params *common.FindParams, capped bool) (*backends.QueryResult, *common.FindParams, error) { //nolint:lll // for readability
	if gongjianPushedSort(qp.Filter, qp.Sort, qp.Limit, params.Sort, capped) == nil {
		res, err := coll.Query(ctx, qp)
		return res, params, err
	}

	sorted := *qp
	sorted.GongjianSort = params.Sort

	res, err := coll.Query(ctx, &sorted)
	if err != nil || !res.GongjianSorted {
		return res, params, err
	}

	_, first, err := res.Iter.Next()
	if errors.Is(err, iterator.ErrIteratorDone) {
		res.Iter.Close()
		res, err = coll.Query(ctx, qp)

		return res, params, err
	}

	if err != nil {
		res.Iter.Close()
		return nil, nil, err
	}

	unsorted := *params
	unsorted.Sort = nil

	return &backends.QueryResult{Iter: &gongjianPeeked{first: first, rest: res.Iter}}, &unsorted, nil
}

// gongjianPushedSort is the sort to ask the backend for (nil: none): one top-level field,
// a pushed filter, no other sort or limit pushed, not a capped collection.
func gongjianPushedSort(filter, backendSort *types.Document, limit int64, sort *types.Document, capped bool) *types.Document { //nolint:lll // for readability
	if capped || filter.Len() == 0 || backendSort.Len() != 0 || limit != 0 || sort.Len() != 1 {
		return nil
	}

	if field := sort.Keys()[0]; strings.HasPrefix(field, "$") || strings.ContainsRune(field, '.') {
		return nil
	}

	return sort
}

// gongjianPeeked yields first, then the rest.
type gongjianPeeked struct {
	m     sync.Mutex
	first *types.Document
	rest  types.DocumentsIterator
}

// Next implements iterator.Interface.
func (p *gongjianPeeked) Next() (struct{}, *types.Document, error) {
	p.m.Lock()
	first := p.first
	p.first = nil
	p.m.Unlock()

	if first != nil {
		return struct{}{}, first, nil
	}

	return p.rest.Next()
}

// Close implements iterator.Interface.
func (p *gongjianPeeked) Close() {
	p.m.Lock()
	p.first = nil
	p.m.Unlock()
	p.rest.Close()
}

// check interfaces
var _ types.DocumentsIterator = (*gongjianPeeked)(nil)
