#!/usr/bin/env bash
# interview_tmux.sh - the terminal interview as an interviewer types it: `lcmon interview`
# runs in a detached tmux session (a real terminal, so line editing and Ctrl-C are the ones
# people meet), keys are sent and the screen is read back. One household of two:
#   - places chosen by name (深圳, 南山, then numbers from the lists of townships and
#     communities), a typing mistake put right with the arrow keys and backspace;
#   - a roster of two members; the second is 8, so the work question is skipped (relevance),
#     and the respondent does not know whether the child took part in organised learning
#     (`?`, the list's 不清楚); an optional question (barriers) left empty;
#   - Ctrl-C in the middle of the roster, s = save the draft and leave; `--list` shows it;
#     resumed by the first 8 characters of its id;
#   - awareness answered `1，5` (full-width comma); the review screen, where question
#     "learn_hours" is changed by its number, then Enter finishes.
# Then the stored rows (lcmon export --include-pii) must equal what was typed. Then Ctrl-C
# and c goes on, Ctrl-C and d discards (nothing kept), Ctrl-C twice leaves with the draft.
#
# The form is the household questionnaire (surveys/household) with one change, as its
# version 2027.1 makes it (issue 17): m_learned's yes/no list also has 不清楚 (dk) and 拒答
# (rf), saved as version 2026.1-dk in a database of its own.
#
# No clock: every wait is for text on the screen, polled with short sleeps and a generous
# number of tries (a busy machine is slower, never failing).
#   tests/cli/interview_tmux.sh LCMON SOURCE_DIR
set -euo pipefail
lcmon=$1
src=$2
if ! command -v tmux > /dev/null; then
  echo "interview_tmux: SKIPPED: tmux is not installed (scripts/setup --browser installs it)"
  exit 0
fi
work=$(mktemp -d)
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2> /dev/null || true; rm -rf "$work"' EXIT
cd "$work"

# The household form with don't-know and refusal for m_learned.
mkdir form
cp "$src/surveys/household/choices.csv" form/
printf 'yesno_dk,1,是,Yes\nyesno_dk,0,否,No\nyesno_dk,dk,不清楚,Don'"'"'t know\nyesno_dk,rf,拒答,Refused\n' >> form/choices.csv
sed 's/^select_one yesno,m_learned,/select_one yesno_dk,m_learned,/' "$src/surveys/household/survey.csv" > form/survey.csv
sed 's/^household,2026\.1,/household,2026.1-dk,/' "$src/surveys/household/settings.csv" > form/settings.csv
grep -q '^select_one yesno_dk,m_learned,' form/survey.csv || { echo "interview_tmux: m_learned not found in the household form"; exit 1; }
"$lcmon" init hh.db > /dev/null
"$lcmon" form load hh.db form > /dev/null

printf 'set -g history-limit 100000\n' > tmux.conf
tries=3000 # polls of 0.05 s each

# tmux -u: the terminal is UTF-8 (Chinese is typed and shown)
tm() { tmux -u -S "$sock" -f tmux.conf "$@"; }
screen() { tm capture-pane -p -J -S - -t "$sess" 2> /dev/null | sed '/^ *$/d' || true; }
fail() {
  echo "interview_tmux: $*"
  echo "--- the screen:"
  screen | tail -40
  exit 1
}
# Wait until the whole screen (with its history) contains the text $1 at least $2 times.
wait_for() {
  local want=$1 times=${2:-1} n
  for ((i = 0; i < tries; i++)); do
    n=$(screen | grep -cF -- "$want" || true)
    [ "$n" -ge "$times" ] && return 0
    sleep 0.05
  done
  fail "never saw '$want' ($times times)"
}
# The prompts shown so far: lines that start with "> " or "[value] > ".
prompts() { screen | grep -cE '^(\[[^]]*\] )?> ' || true; }
asked=0
# Wait for the next question: its prompt (one more than answered so far) with the text $1
# above it on the screen.
await() {
  local expect=$1
  asked=$((asked + 1))
  for ((i = 0; i < tries; i++)); do
    [ "$(prompts)" -ge "$asked" ] && screen | tail -25 | grep -qF -- "$expect" && return 0
    sleep 0.05
  done
  fail "question '$expect' (prompt $asked) never came"
}
# Answer it: type $2 and Enter.
answer() {
  await "$1"
  [ -z "$2" ] || tm send-keys -t "$sess" -l -- "$2"
  tm send-keys -t "$sess" Enter
}
# Each interview in a session of its own (iv1, iv2, ...); the earlier ones stay (the server
# is ended once, at the exit).
runs=0
start() {
  runs=$((runs + 1))
  sess=iv$runs
  asked=0
  tm new-session -d -s "$sess" -x 160 -y 50 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 $* ; echo \"[exit \$?]\"; sleep 100000"
}

start "$lcmon" interview hh.db --wave 2026
answer "城市代码" "深圳"
# "南京x" is not what was meant: left, backspace over 京, 山, then End and backspace over
# the x. An escape code reaching the answer would make it match no place and be refused.
await "区/县代码"
tm send-keys -t "$sess" -l -- "南京x"
tm send-keys -t "$sess" Left BSpace
tm send-keys -t "$sess" -l -- "山"
tm send-keys -t "$sess" End BSpace Enter
answer "沙河街道" "3"                      # township 3 of 南山区 (townships.csv)
answer "居委会 002" "2"                    # community 2: 440305003002
answer "村/社区类型" "1"                   # 居民委员会: numbered, no code shown
answer "住户编号" "SZ-07"
answer "调查员姓名" "王芳"
answer "是否同意接受本次访问" "1"
answer "受访者性别" "2"
answer "受访者年龄" "41"
answer "最高学历" "6"
answer "目前就业状况" "1"
answer "受访者是否有残疾" "0"
answer "家庭常住人口数" "2"
answer "与受访者关系 (#1)" "1"
answer "性别 (#1)" "2"
answer "年龄（周岁） (#1)" "41"
answer "最高学历 (#1)" "6"
answer "就业状况 (#1)" "1"
answer "是否有残疾 (#1)" "0"
answer "有组织的学习活动" "1"
answer "与受访者关系 (#2)" "3"
answer "性别 (#2)" "1"
answer "年龄（周岁） (#2)" "8"
# Ctrl-C at the next question: save the draft and leave.
wait_for "最高学历 (#2)"
tm send-keys -t "$sess" C-c
wait_for "s 保存草稿并退出"
answer "s 保存草稿并退出" "s"
wait_for "[exit 1]"
screen | grep -qF "访问未完成，答案已存为草稿" || fail "no word that the draft is saved"

# The draft, listed with where it stopped.
"$lcmon" interview --list hh.db > list.txt
grep -qE '^[0-9a-f]{8}  household 2026\.1-dk .* SZ-07 +第 [0-9]+ 题，共 [0-9]+ 题：最高学历 #2$' list.txt ||
  { cat list.txt; echo "interview_tmux: the draft is not listed as expected"; exit 1; }
short=$(awk 'NR == 2 {print $1}' list.txt)
[ "$("$lcmon" export hh.db --form household --format csv --include-pii --include-drafts --no-bom --out d.csv > /dev/null; awk -F, 'NR > 1 {print $12}' d.csv)" = draft ] ||
  { echo "interview_tmux: the stored instance is not a draft"; exit 1; }

# Resumed by the short id; the roster goes on where it stopped.
start "$lcmon" interview hh.db --resume "$short"
wait_for "继续访问草稿 $short"
answer "最高学历 (#2)" "2"
# 8 years old: no work question; disability, then learning: the respondent does not know.
answer "是否有残疾 (#2)" "0"
answer "有组织的学习活动" "?"
answer "您知道本市以下哪些" "1，5"           # cc and ol, with a full-width comma
answer "社区教育学院/社区学校/教学点？" "1"  # use_cc
answer "频率" "2"
answer "满意程度" "4"
answer "终身学习平台/社区教育云课堂？" "0"   # use_ol: no frequency, no satisfaction
answer "总体而言" "4"
answer "主要困难" ""                         # no barriers: left empty
answer "用于学习的时间" "100"
answer "建设学习型城市有什么建议" ""         # optional: skipped
wait_for "【核对答案】"
# Change the hours from the review: the number in front of the question.
n=$(screen | grep -F "用于学习的时间大约多少小时" | grep -oE '^ +[0-9]+' | tail -1 | tr -d ' ')
[ -n "$n" ] || fail "the review does not list the hours"
screen | grep -qF "过去12个月是否参加过有组织的学习活动（课程、培训、讲座等） (#2)：不清楚" ||
  fail "the review does not show the don't-know"
answer "输入题号修改该题" "$n"
answer "用于学习的时间" "120"
wait_for "【核对答案】" 2
answer "输入题号修改该题" ""
wait_for "[exit 0]"
screen | grep -qF "访问完成，已保存：" || fail "no word that the interview is complete"
screen | grep -qF '^[' && fail "escape codes on the screen"

# What is stored equals what was typed.
"$lcmon" export hh.db --form household --format csv --include-pii --no-bom --out hh.csv > /dev/null
sed -i 's/\r$//' hh.csv hh__members.csv # CSV lines end in CRLF
sqlite_rows() { # status and city of every instance, drafts too
  "$lcmon" export hh.db --form household --format csv --include-drafts --no-bom --force --out all.csv > /dev/null
  sed -i 's/\r$//' all.csv
  paste -d ' ' <(col all.csv status) <(col all.csv city) | sort | tr '\n' ' '
}
col() { # col FILE NAME: the column NAME of every row
  awk -F, -v name="$2" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == name) c = i; next} {print $c}' "$1"
}
got=""
for c in status city county township psu household_id interviewer consent sex age hh_size aware use_cc freq_cc sat_cc use_ol freq_ol sat_overall barriers learn_hours suggestion; do
  got="$got$c=$(col hh.csv $c) "
done
want="status=complete city=4403 county=440305 township=440305003 psu=440305003002 household_id=SZ-07 interviewer=王芳 consent=1 sex=2 age=41 hh_size=2 aware=cc ol use_cc=1 freq_cc=2 sat_cc=4 use_ol=0 freq_ol= sat_overall=4 barriers= learn_hours=120 suggestion= "
[ "$got" = "$want" ] || { printf 'interview_tmux: stored\n  %s\nwant\n  %s\n' "$got" "$want"; exit 1; }
members=$(awk -F, 'NR > 1 {print $2 ":" $3 ":" $4 ":" $5 ":" $6 ":" $7 ":" $8 ":" $9}' hh__members.csv | tr '\n' ' ')
[ "$members" = "1:1:2:41:6:1:0:1 2:3:1:8:2::0:dk " ] ||
  { echo "interview_tmux: members stored as '$members'"; exit 1; }
[ "$(awk 'END {print NR}' hh.csv)" = 2 ] || { echo "interview_tmux: not one instance"; exit 1; }

# Ctrl-C, c: the interview goes on at the same question; Ctrl-C, d: discarded, nothing kept.
start "$lcmon" interview hh.db --wave 2026
answer "城市代码" "广州"
await "区/县代码"
tm send-keys -t "$sess" C-c
answer "c 继续访问" "c"
answer "区/县代码" "天河"
await "乡镇/街道代码"
tm send-keys -t "$sess" C-c
answer "c 继续访问" "d"
wait_for "[exit 1]"
screen | grep -qF "已放弃本次访问，草稿已删除" || fail "no word that the interview is discarded"
# Ctrl-C twice: leaves with the draft saved.
start "$lcmon" interview hh.db --wave 2026
answer "城市代码" "广州"
await "区/县代码"
tm send-keys -t "$sess" C-c
wait_for "c 继续访问"
tm send-keys -t "$sess" C-c
wait_for "[exit 1]"
screen | grep -qF "访问未完成，答案已存为草稿" || fail "no word that the draft is saved"
"$lcmon" interview --list hh.db > list.txt
[ "$(grep -c '^[0-9a-f]\{8\}  ' list.txt)" = 1 ] && grep -qF "第 2 题，共 8 题：区/县代码" list.txt ||
  { cat list.txt; echo "interview_tmux: not one draft, stopped at the county"; exit 1; }
[ "$(sqlite_rows)" = "complete 4403 draft 4401 " ] || { echo "interview_tmux: stored '$(sqlite_rows)'"; exit 1; }

echo "interview_tmux: one household of two interviewed on a terminal, paused, resumed by '$short', reviewed and stored as typed"
