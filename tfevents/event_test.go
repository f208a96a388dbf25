package tfevents

import (
	"errors"
	"math"
	"testing"

	"github.com/galeone/tensorflow/tensorflow/go/core/framework/summary_go_proto"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

func TestEventRoundTrip(t *testing.T) {
	for _, e := range []Event{
		{WallTime: 1.7e9 + 0.123456, FileVersion: "brain.Event:2"},
		{WallTime: 1, Step: -3, Summary: &summary_go_proto.Summary{Value: []*summary_go_proto.Summary_Value{
			{Tag: "loss", Value: &summary_go_proto.Summary_Value_SimpleValue{SimpleValue: 0.25}},
		}}},
		{WallTime: 2, Step: math.MaxInt64},
	} {
		b, err := marshalEvent(e)
		if err != nil {
			t.Fatalf("marshalEvent(%+v): %v", e, err)
		}
		got, err := unmarshalEvent(b)
		if err != nil {
			t.Fatalf("unmarshalEvent: %v", err)
		}
		if got.WallTime != e.WallTime || got.Step != e.Step || got.FileVersion != e.FileVersion ||
			!proto.Equal(got.Summary, e.Summary) {
			t.Errorf("round trip of %+v = %+v", e, got)
		}
	}
}

func TestUnmarshalEventSkipsUnknownFields(t *testing.T) {
	var b []byte
	b = protowire.AppendTag(b, 6, protowire.BytesType) // log_message
	b = protowire.AppendString(b, "ignored")
	b = protowire.AppendTag(b, fieldStep, protowire.VarintType)
	b = protowire.AppendVarint(b, 7)
	e, err := unmarshalEvent(b)
	if err != nil {
		t.Fatalf("unmarshalEvent: %v", err)
	}
	if e.Step != 7 {
		t.Errorf("Step = %d, want 7", e.Step)
	}
}

func TestUnmarshalEventErrors(t *testing.T) {
	wrongType := protowire.AppendTag(nil, fieldStep, protowire.BytesType)
	wrongType = protowire.AppendString(wrongType, "x")
	badSummary := protowire.AppendTag(nil, fieldSummary, protowire.BytesType)
	badSummary = protowire.AppendBytes(badSummary, []byte{0xff, 0xff})
	for name, b := range map[string][]byte{
		"wrong wire type":   wrongType,
		"truncated varint":  {0x10, 0x80},
		"truncated fixed64": {0x09, 1, 2, 3},
		"bad summary":       badSummary,
	} {
		if _, err := unmarshalEvent(b); err == nil {
			t.Errorf("unmarshalEvent(%s %x) succeeded, want error", name, b)
		} else if name == "wrong wire type" && !errors.Is(err, errWireType) {
			t.Errorf("unmarshalEvent(%s) = %v, want errWireType", name, err)
		}
	}
}
