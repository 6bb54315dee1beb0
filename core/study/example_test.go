package study_test

import (
	"encoding/json"
	"fmt"

	"textlab/core/study"
)

func Example() {
	b, err := study.Bytes(study.Study{Items: []study.Item{
		{Page: "data", Key: "file", Kind: study.KindBytes, Name: "good.csv", Bytes: []byte("text,label\na,x\nb,y\n")},
		{Page: "data", Key: "columns", Kind: study.KindJSON, Value: json.RawMessage(`{"text":"text","label":"label"}`)},
	}})
	if err != nil {
		panic(err)
	}
	s, err := study.Read(b, study.Limits{})
	if err != nil {
		panic(err)
	}
	for _, it := range s.Items {
		fmt.Println(it.Page, it.Key, it.Kind, len(it.Bytes)+len(it.Value))
	}
	// Output:
	// data file bytes 19
	// data columns json 31
}
