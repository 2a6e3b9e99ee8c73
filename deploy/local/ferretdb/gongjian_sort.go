// Copyright 2026 gongjian authors. Added to FerretDB's sqlite backend package at build time.
//
// Sort pushdown for a filtered find: upstream sorts every candidate in memory, so a page of
// 50 newest demands of a city decoded all of the city's demands. When the handler asks
// (QueryParams.GongjianSort, one top-level field; see gongjian_sortfind.go) and the filter
// was pushed, SQLite orders the rows by the MongoDB-ordered sort key (metadata.SortKeyExprs)
// and the handler stops after skip+limit matches. A non-unique index (filter field, sort
// field) serves the order, so a page reads about skip+limit rows.
//
// Why the order is MongoDB's: one statement (one SQLite snapshot) returns rows only if
//   - no candidate's sort value is of a rank SQLite does not order like MongoDB (objects,
//     arrays, binary, timestamps, regexes): NOT EXISTS over the same pushed terms;
//   - no field whose array range we dropped (to let the index give the order: an OR would
//     not) holds an array anywhere in the collection: NOT EXISTS on that range.
// Both are seeks when the index (filter field, sort field) exists. If either fails, the
// statement returns no row and the handler runs the plain query and sorts in memory as
// upstream does; an empty result takes that path too (it costs a second, empty query).
// Ties are left in index order: MongoDB does not define their order either.

package sqlite

import (
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// gongjianSortedWhere returns the guarded, ordered WHERE ... ORDER BY for filter and sort
// (QueryParams.GongjianSort) and true, or where and args unchanged and false when the sort
// is not pushed. Query and Explain both call it.
func gongjianSortedWhere(meta *metadata.Collection, filter, sort *types.Document, where string, args []any) (string, []any, bool) { //nolint:lll // for readability
	if sort.Len() != 1 || where == "" || meta.Capped() {
		return where, args, false
	}

	field := sort.Keys()[0]
	if !metadata.SortableField(field) {
		return where, args, false
	}

	descending := must.NotFail(sort.Get(field)).(int64) == -1

	terms, termArgs, exact := gongjianTerms(filter, func(f string) bool { return metadata.LeadsIndex(meta, f) })
	if len(terms) == 0 {
		return where, args, false
	}

	matched := strings.Join(terms, " AND ")
	rank, _ := metadata.SortKeyExprs(field)

	guards := []string{fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %q WHERE %s AND %s IN (%s))",
		meta.TableName, matched, rank, metadata.UnsafeSortRanks)}
	for _, f := range exact {
		guards = append(guards, fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %q WHERE %s)",
			meta.TableName, gongjianArrays(metadata.FieldExpr(f))))
	}

	q := " WHERE " + matched + " AND " + strings.Join(guards, " AND ") +
		" ORDER BY " + metadata.SortKeyOrder(field, descending)

	return q, append(append([]any{}, termArgs...), termArgs...), true
}
