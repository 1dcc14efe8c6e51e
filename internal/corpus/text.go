package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The real-text corpora: what streams carry when they are not ASCII test
// data. Their vocabularies are small and fixed, so the corpora stay
// deterministic; TestShape checks each one's share of non-ASCII bytes.

// typed is small events that each carry an "event:" and an "id:" line, as
// many application streams (and LLM APIs with typed events) send them.
func typed(name, eol string) *Corpus {
	w := &builder{eol: eol}
	r := rng(9)
	types := []string{"update", "delta", "status", "progress"}
	for i := 0; w.b.Len() < target; i++ {
		w.event(types[r.IntN(len(types))], fmt.Sprint(100000+i), fmt.Sprintf(`{"n":%d,"v":%d}`, i, r.IntN(1000)))
	}
	return w.corpus(name)
}

// accented is a vocabulary of French, Spanish and German words, about a
// third of them with an accented letter, mixed with the ASCII lorem words.
var accented = strings.Fields("café été déjà où très naïve élève mañana niño corazón canción über schön Straße Größe " +
	"Mädchen señor français garçon fenêtre hôtel forêt " +
	"le la les de du et une dans pour avec el los las que con por und die der das mit von " +
	"maison ville jour nuit temps monde vida casa tiempo mundo Haus Stadt Zeit Welt")

// accentedSentence returns n words, each from the lorem words with
// probability ascii, otherwise from the accented vocabulary.
func accentedSentence(r *rand.Rand, n int, ascii float64) string {
	ws := strings.Fields(words)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		if r.Float64() < ascii {
			b.WriteString(ws[r.IntN(len(ws))])
		} else {
			b.WriteString(accented[r.IntN(len(accented))])
		}
	}
	return b.String()
}

// jsonAccents is the json corpus with names in several European languages:
// 1–4 KB JSON documents, about 2% of the bytes not ASCII.
func jsonAccents() *Corpus {
	w := &builder{eol: "\n"}
	r := rng(10)
	for i := 0; w.b.Len() < target; i++ {
		var items []string
		for n := 8 + r.IntN(24); n > 0; n-- {
			items = append(items, fmt.Sprintf(`{"id":%d,"name":"%s","score":%.3f,"tags":["a","b"]}`, r.IntN(1e6), accentedSentence(r, 6, 0.65), r.Float64()))
		}
		w.event("update", fmt.Sprint(i), `{"seq":`+fmt.Sprint(i)+`,"items":[`+strings.Join(items, ",")+`]}`)
	}
	return w.corpus("json-accents")
}

// multilineAccents is the multiline corpus in those languages: events of 3
// to 10 data lines of text, about 4% of the bytes not ASCII.
func multilineAccents() *Corpus {
	w := &builder{eol: "\n"}
	r := rng(11)
	for w.b.Len() < target {
		lines := make([]string, 3+r.IntN(8))
		for i := range lines {
			lines[i] = accentedSentence(r, 2+r.IntN(8), 0.6)
		}
		w.event("", "", strings.Join(lines, "\n"))
	}
	return w.corpus("multiline-accents")
}

// The tokens the LLM deltas are made of: a model streams a few characters
// per chunk.
var (
	zhTokens = strings.Fields("你好 世界 我们 今天 天气 很好 学习 机器 模型 语言 数据 问题 可以 回答 因为 所以 但是 这个 一个 " +
		"的 了 是 在 有 和 人 我 他 她 。 ， ？ ！ 非常 重要 方法 系统 时间 城市 中国 北京 上海")
	jaTokens = strings.Fields("こんにちは 今日 は 天気 が いい です ね 私 の 名前 機械学習 モデル データ 質問 答え 。 、 " +
		"ありがとう ございます を に で と も から まで する した して 東京 日本語 説明 例えば 重要 時間")
	emojiTokens = strings.Fields("Sure ! Here is the plan : great idea , let us ship it today and celebrate " +
		"😀 🎉 🚀 👍 ✨ 🔥 ❤️ 🤖 ✅ 📦 🙌 💡 😅 🌍 👋🏽 👨‍💻")
)

// llmText is the llm corpus with deltas drawn from tokens: OpenAI-style
// chat.completion.chunk objects carrying one to three tokens each, the
// text in UTF-8 as the APIs send it (not \u escapes).
func llmText(name string, seed uint64, tokens []string) *Corpus {
	w := &builder{eol: "\n"}
	r := rng(seed)
	for resp := 0; w.b.Len() < target; resp++ {
		id := fmt.Sprintf("chatcmpl-%08x", r.Uint32())
		for n := 20 + r.IntN(60); n > 0; n-- {
			var content strings.Builder
			for k := 1 + r.IntN(3); k > 0; k-- {
				content.WriteString(tokens[r.IntN(len(tokens))])
				if name == "llm-emoji" {
					content.WriteByte(' ')
				}
			}
			w.event("", "", fmt.Sprintf(`{"id":"%s","object":"chat.completion.chunk","created":%d,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}`,
				id, 1700000000+resp, content.String()))
		}
		w.event("", "", "[DONE]")
	}
	return w.corpus(name)
}
