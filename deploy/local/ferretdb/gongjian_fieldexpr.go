// Copyright 2026 gongjian authors. Added to FerretDB's sqlite/metadata package at build time.
//
// FerretDB 1.24 builds its indexes on `_ferretdb_sjson->"a"->"b"` but queries by _id with
// `_ferretdb_sjson->'$._id'`. SQLite uses an expression index only for the very same
// expression, so no query ever used an index (a find by _id scanned the whole table).
// Index creation and query pushdown now both take their expression from FieldExpr. We kept
// the index side's spelling so indexes in existing databases serve the queries unchanged.

package metadata

import (
	"fmt"
	"strings"
)

// FieldExpr is the SQLite expression for a (dotted) document field, as indexes are built on it.
func FieldExpr(field string) string {
	parts := strings.Split(field, ".")
	for i, part := range parts {
		parts[i] = fmt.Sprintf("%q", part)
	}

	return DefaultColumn + "->" + strings.Join(parts, "->")
}
