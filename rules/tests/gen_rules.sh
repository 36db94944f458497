#!/bin/sh
# Writes a deterministic rule set of N score rules (class fake_offer) into
# DIR/generated.rules: pattern "W1.{0,8}W2" over pairs of words that do
# not occur in ordinary ham, each with a match and a nomatch example.
# Usage: gen_rules.sh N DIR
set -eu
n=$1 dir=$2
mkdir -p "$dir"
awk -v n="$n" 'BEGIN {
	split("返利 刷单 佣金 垫付 博彩 彩金 代孕 办证 枪支 赌场 裸聊 贷款 套现 洗钱 黑卡 提现 充值 兼职 日结 押金 解冻 冻结 保证金 激活 中奖 领奖 免息 秒批 高额 私彩 网赌 下注 代开 发票 假证 迷药 走私 传销 代购 特码 跑分 接码 卡农 菠菜 上分 下分 出金 入金 杀猪 薅羊毛", w, " ")
	nw = 0; for (k in w) nw++
	print "class fake_offer"
	id = 700000; c = 0
	for (i = 1; i <= nw && c < n; i++)
		for (j = 1; j <= nw && c < n; j++) {
			if (i == j) continue
			id++; c++
			printf "\nrule %d\n  action  score 10\n  pattern %s.{0,8}%s\n", id, w[i], w[j]
			printf "  desc    generated pair %d\n  match   今天%s，然后%s\n  nomatch 今天%s\n", c, w[i], w[j], w[i]
		}
	if (c < n) { print "not enough words" > "/dev/stderr"; exit 1 }
}' > "$dir/generated.rules"
