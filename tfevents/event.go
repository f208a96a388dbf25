package tfevents

import (
	"errors"
	"fmt"
	"math"

	"github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// fileVersion is the file_version of the first event of every file
// written by this package; TensorBoard requires the "brain.Event:" prefix.
const fileVersion = "brain.Event:2"

// Field numbers of tensorflow.Event (tensorflow/core/util/event.proto).
const (
	fieldWallTime    protowire.Number = 1 // double
	fieldStep        protowire.Number = 2 // int64
	fieldFileVersion protowire.Number = 3 // string, oneof what
	fieldGraphDef    protowire.Number = 4 // bytes (a serialized GraphDef), oneof what
	fieldSummary     protowire.Number = 5 // Summary, oneof what
)

// Event is one decoded tensorflow.Event. Only the parts this package
// writes are decoded; other fields (log_message, …) are skipped.
type Event struct {
	// WallTime is the time the event was written, in seconds since the
	// Unix epoch.
	WallTime float64
	// Step is the global step the event belongs to.
	Step int64
	// FileVersion is set on the first event of a file only, for example
	// "brain.Event:2".
	FileVersion string
	// Summary holds the summary values, or is nil when the event has none.
	Summary *summary_go_proto.Summary
	// GraphDef is a serialized tensorflow.GraphDef (TensorBoard's graph tab), or nil.
	GraphDef []byte
}

// marshalEvent encodes e in protobuf wire format. Zero-valued Step and
// FileVersion are omitted, as proto3 does.
func marshalEvent(e Event) ([]byte, error) {
	var b []byte
	b = protowire.AppendTag(b, fieldWallTime, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, math.Float64bits(e.WallTime))
	if e.Step != 0 {
		b = protowire.AppendTag(b, fieldStep, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(e.Step))
	}
	if e.FileVersion != "" {
		b = protowire.AppendTag(b, fieldFileVersion, protowire.BytesType)
		b = protowire.AppendString(b, e.FileVersion)
	}
	if e.Summary != nil {
		s, err := proto.MarshalOptions{Deterministic: true}.Marshal(e.Summary)
		if err != nil {
			return nil, nest.Within("tfevents: marshal summary", err)
		}
		b = protowire.AppendTag(b, fieldSummary, protowire.BytesType)
		b = protowire.AppendBytes(b, s)
	}
	if e.GraphDef != nil {
		b = protowire.AppendTag(b, fieldGraphDef, protowire.BytesType)
		b = protowire.AppendBytes(b, e.GraphDef)
	}
	return b, nil
}

// errWireType reports a known field with an unexpected wire type.
var errWireType = errors.New("unexpected wire type")

// unmarshalEvent decodes a tensorflow.Event from b.
func unmarshalEvent(b []byte) (Event, error) {
	var e Event
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return Event{}, fmt.Errorf("tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		switch {
		case num == fieldWallTime && typ == protowire.Fixed64Type:
			v, n := protowire.ConsumeFixed64(b)
			if n < 0 {
				return Event{}, fmt.Errorf("wall_time: %w", protowire.ParseError(n))
			}
			e.WallTime = math.Float64frombits(v)
			b = b[n:]
		case num == fieldStep && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return Event{}, fmt.Errorf("step: %w", protowire.ParseError(n))
			}
			e.Step = int64(v)
			b = b[n:]
		case num == fieldFileVersion && typ == protowire.BytesType:
			v, n := protowire.ConsumeString(b)
			if n < 0 {
				return Event{}, fmt.Errorf("file_version: %w", protowire.ParseError(n))
			}
			e.FileVersion = v
			b = b[n:]
		case num == fieldSummary && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return Event{}, fmt.Errorf("summary: %w", protowire.ParseError(n))
			}
			s := new(summary_go_proto.Summary)
			if err := proto.Unmarshal(v, s); err != nil {
				return Event{}, fmt.Errorf("summary: %w", err)
			}
			e.Summary = s
			b = b[n:]
		case num == fieldGraphDef && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return Event{}, fmt.Errorf("graph_def: %w", protowire.ParseError(n))
			}
			e.GraphDef = append([]byte(nil), v...)
			b = b[n:]
		case num == fieldWallTime, num == fieldStep, num == fieldFileVersion, num == fieldSummary, num == fieldGraphDef:
			return Event{}, fmt.Errorf("field %d: %w %d", num, errWireType, typ)
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return Event{}, fmt.Errorf("field %d: %w", num, protowire.ParseError(n))
			}
			b = b[n:]
		}
	}
	return e, nil
}
