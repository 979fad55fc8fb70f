"""The danger screen: which kind of risk a message shows, and how urgent it is.

Pure logic, no Rasa imports: the NLU message screen runs it once per message and hands
the verdict to the actions as entities (`risk_kind`, `risk_level`).

Kinds are `self_harm`, `abuse` (violence, threats, sexual coercion, coercive control) and
`child` (a child at risk). Levels are `imminent` (a plan, means, a time, goodbyes, happening
now) and `concern` (wishes to be gone, hopelessness, harm that is past or unclear, patterns
of control). The lexicon below is combined with the classifier's crisis intents, one per
kind, so indirect language the patterns miss is still caught.

A phrase preceded closely by a clear negation ("I would never hurt myself") does not
alarm; phrases whose meaning is itself negative ("I don't want to live") always do.
"""

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Pattern, Sequence, Tuple

from tandem import text as language
from tandem.vocabulary import RISK_KINDS, RISK_LEVELS, parse_crisis_intent

IMMINENT, CONCERN = RISK_LEVELS

# Each list holds regular expressions matched against lower-cased text with curly
# apostrophes straightened. Recall matters more than precision here, but common everyday
# phrases ("hit me up", "cut myself off", "scared of him leaving") are excluded.
_SELVES = r"(?:my ?self|him ?self|her ?self|them ?selves|themself)"
# "Better off without me" is the fear of being left, not a wish to be gone, when a partner
# would realise it: "I'm scared he'll realise he's better off without me".
_NOT_BEING_LEFT = r"(?<!reali[sz]e he's )(?<!reali[sz]e she's )(?<!reali[sz]e they're )"
_SELF_HARM = [
    rf"\bkill(?:s|ed|ing)? {_SELVES}",
    r"\bkms\b",
    r"\bsuicid\w*",
    r"\bend(?:s|ed|ing)? (?:my|his|her|their|it) (?:own )?life\b",
    r"\bend(?:ing)? it all\b",
    r"\btak(?:e|es|ing) (?:my|his|her|their) (?:own )?life\b",
    r"\b(?:want(?:s|ed)?|wanna|wanting|going|gonna) (?:to )?die\b",
    r"\bwish(?:es|ed|ing)? (?:i was|i were|to be|she was|he was) dead\b",
    r"\bbetter off dead\b",
    rf"{_NOT_BEING_LEFT}\bbetter off without me\b",
    rf"\b(?:hurt|harm|cut|cutt|burn|starv)(?:s|ed|ing)? {_SELVES}\b(?! off)",
    r"\bself[- ]?harm\w*",
    r"\boverdos\w*",
    r"\b(?:took|take|taking|swallowed) (?:a bunch of|all (?:my|the|of my|of the)|a lot of|"
    r"loads of|too many|a handful of) (?:pills|tablets|meds)\b",
    r"\bno (?:reason|point) (?:to live|in living|(?:in )?being alive)\b",
    r"\bno point (?:of|in) (?:me )?being here\b",
    rf"\bhang(?:s|ed|ing)? {_SELVES}",
    r"\bunalive\w*",
    r"\b(?:if|when) i (?:died|was dead|were dead|was gone|were gone|disappeared)\b",
    r"\b(?:been |started |start )?cutting again\b",
    r"\b(?:cutting|scratching|burning) (?:my )?(?:arms?|wrists?|legs?|thighs?)\b",
    r"\bhow many (?:of (?:my|the|these) )?(?:pills|tablets)\b",
    r"\bpills lined up\b",
    r"\bending it\b(?! (?:with|between|off))",
    r"\b(?:wrote|writing|written) (?:my|a) (?:suicide )?note\b",
    r"\bthink(?:ing)? about (?:dying|death|ending it|not being here|killing)\b",
    r"\b(?:drive|driving|walk|walking|step|stepping) (?:into|in front of) "
    r"(?:a tree|traffic|a wall|the river|a train|a bus)\b",
    r"\bjump(?:s|ed|ing)? (?:off|in front of)\b",
    r"\bon the (?:bridge|ledge|railing|roof) right now\b",
    r"\bstop for good\b",
]
# Phrases that are negative by meaning: never softened by a nearby negation.
_SELF_HARM_INHERENT = [
    r"\b(?:don'?t|do not|dont|no longer) (?:really |even )?(?:want to|wanna) "
    r"(?:live|be alive|be here|exist|wake up)\b",
    r"\b(?:never|not|didn'?t|don'?t|wouldn'?t) wake up\b",
    r"\bcan'?t (?:go on|keep going|do this anymore) (?:living|anymore)\b",
    r"\bdon'?t see the point (?:of|in) (?:living|being here|life|going on)\b",
]
_VIOLENCE = [
    # "the breakup hit her hard" is not violence; "he hit her" is.
    r"(?<!it )(?<!that )(?<!this )(?<!breakup )(?<!news )(?<!reality )(?<!i want to )"
    r"(?<!i wanna )(?<!i could )"
    r"\b(?:hit|hits|hitting|beat|beats|beating|punch\w*|kick(?:s|ed|ing)?|slap\w*|chok\w*"
    r"|strangl\w*) (?:me|her|him|them|us|my)\b"
    r"(?! (?:up|at|that|how|what|when i realised|like a|out|off))",
    r"\b(?:pushed|pushes|shoved|shoves|threw|throws|dragged|drags) (?:me|her|him)"
    r"(?: \w+)? (?:down|into|against|over|off|across|out of|to the (?:floor|ground))\b",
    r"\bthr(?:ew|ows|owing|own) (?:a |the |his |her )?\w+ at (?:me|my|her|him)\b",
    r"\bstab\w* (?:me|her|him|my)\b",
    r"\b(?:around|on|round) my (?:neck|throat)\b",
    r"\bby the (?:throat|neck|hair)\b",
    # ...not an errand: "grab me some paracetamol on the way home".
    r"\bgrab(?:s|bed|bing)? (?:me|her|him)\b(?! by the hand| (?:a|an|some|the|one|two|"
    r"something|anything|food|coffee|lunch|dinner|a drink)\b)",
    r"\bgrab(?:s|bed|bing)? my (?:arm|arms|throat|neck|hair|wrist|wrists)\b",
    r"\bthreat\w* to (?:kill|hurt|harm|beat|take the kids)\b",
    r"\bthreat(?:en|ens|ened|ening)? (?:me|us|her|him)\b",
    r"\bthreat\w* to take (?:our|my|the) (?:son|daughter|kids?|children|baby)\b",
    r"\b(?:will|would|'ll|gonna|going to) (?:kill|hurt|beat) (?:me|us|her|him|the kids|my)\b",
    r"\bkill (?:me|us)\b",
    r"\b(?:gun|knife|weapon)\b",
    r"\bafraid (?:for my life|he'll hurt|she'll hurt|of what he'll do|of what she'll do)\b",
    r"\bscared (?:he|she|they)(?:'ll| will| is going to| might) (?:hurt|kill)\b",
    r"\b(?:scared|afraid|terrified|frightened) of (?:him|her|them|my (?:husband|wife|partner|"
    r"boyfriend|girlfriend|bf|gf|dad|father|mum|mom|mother|ex|stepdad|brother))\b"
    r"(?!'s| (?:leaving|losing|getting|being|going|not|moving|finding|cheating))",
    r"\b(?:bruises|black eye)\b(?!.*\b(?:practice|training|match|game|rugby|football|derby|hockey|"
    r"boxing|gym|fell|tripped|climbing|bike)\b)",
    r"\b(?:he|she|they) broke my\b(?! heart)",
    r"\b(?:gets|got|is|was|becomes|became|getting) (?:really |so |very )?violent\b",
    r"\bdomestic (?:violence|abuse)\b",
    r"\bphysically abus\w*",
    r"\blocks? me (?:in|up)\b",
    r"\babus(?:ed|es|ing|ive) (?:me|her|him|us|them|my)\b",
    r"\b(?:pinned|pins|slammed|slams) (?:me|her|him)\b(?! (?:bedroom |car |front |own )?doors?\b)",
    r"\b(?:scared|afraid|terrified|fear(?:ing)?) for (?:my|her|his|our) li(?:fe|ves)\b",
    r"\bwith me in it\b",
    r"\bcoming for (?:me|us)\b",
    r"\b(?:he|she|they)(?:'ll| will) find me\b",
    r"\bpunch(?:ed|es|ing)? (?:the|a) wall\b",
    r"\b(?:he|she|they|husband|boyfriend|wife|girlfriend|dad|father) broke (?:my|her)\b(?! heart)",
    r"\blocks? (?:me|you|her|him) in\b",
    r"\bhiding (?:at|in) (?:my|a) (?:friend|sister|brother|mum|mom|parent|neighbour|car)",
    r"\b(?:scared|afraid|terrified|frightened) to go (?:back )?home\b",
    r"\b(?:kicking|banging|hammering|pounding|smashing) (?:down )?(?:the|my|her|his) (?:\w+ )?door\b",
    r"\block(?:s|ed)? (?:me|her|him) in (?:the|my|our|her|a)\b",
    r"\bthr(?:ew|ows|owing|own) (?:a |the |his |her )?\w+ of (?:boiling |hot )?\w+ at (?:me|my|her|him)\b",
    r"\b(?:stood|standing|came at me|coming at me|waving|holding)\b.{0,30}\b(?:hammer|baseball bat|"
    r"a bat|machete|crowbar|an axe)\b(?!.{0,30}\b(?:shelf|nail|picture|diy|fence)\b)",
    r"\bturned up\b.{0,30}\bwith (?:a|an) (?:bat|baseball bat|hammer|machete|crowbar|axe|knife)\b",
    r"\b(?:nobody|no one|noone) (?:leaves|is leaving|'s leaving)\b",
    r"\bif (?:you )?don'?t hear from me\b.{0,40}\b(?:police|999|911|112|call someone)\b",
    r"\b(?:he|she)(?:'ll|'s going to| will| is going to|'s gonna| said he'?d| said she'?d) finish "
    r"(?:me|you|her|him|this tonight)\b",
    r"\b(?:going to|gonna|'ll|will) teach (?:me|her|him) a lesson\b",
    r"\bwoke up (?:to|and) (?:him|her|find(?:ing)? (?:him|her))\b.{0,20}\b(?:on top of me|touching me|"
    r"inside me|having sex)\b",
    # A weapon in someone's hands now, and a person shoved about (round-6 dev set).
    r"\b(?:he'?s|hes|she'?s|shes|they'?ve) got (?:a|the|his|her|their) (?:bat|knife|gun|hammer|machete|"
    r"axe|crowbar)\b(?! (?:block|set|sharpener|collection|licen[cs]e|shop|stall|for (?:his|her) "
    r"birthday))",
    r"\bshov(?:es|ed|ing) (?:me|her|him|(?:my |our |his |her )?(?:mum|mom|mam|dad|wife|husband|"
    r"partner|sister|brother|nan|gran|grandma|grandad)) (?:around|about|into|against|down)\b",
    r"\bscreams? at (?:me|her|him)\b.{0,40}\bcall(?:s|ing)? (?:me|her|him) names\b",
]
_VIOLENCE_EXTRA_INHERENT = [
    r"\bwon'?t let me leave\b",
]
# Danger that names no kind: the actions answer it for the kind the session already knows.
_UNSAFE = [r"\b(?:i'?m|i am|we'?re|we are) not safe\b"]
_VIOLENCE_INHERENT = _VIOLENCE_EXTRA_INHERENT + [
    r"\b(?:i'?m|i am|we'?re|we are) not safe (?:at home|in (?:the|my|our) (?:house|flat|home)|"
    r"with (?:him|her|them)|around (?:him|her|them))\b",
    r"\b(?:don'?t|do not|dont) feel safe (?:at home|with (?:him|her|them))\b",
]
_SEXUAL = [
    r"\brap(?:e|ed|es|ing|ist)\b",
    r"\bsexual(?:ly)? (?:abus|assault|coer)\w*",
    r"\bmolest\w*",
    r"\bforc\w* (?:me|her|him) to (?:have sex|sleep with|do sexual|do things)",
    r"\bmade me (?:have sex|do sexual)",
    r"\bmakes? me do (?:things|stuff)(?: \w+)? (?:in bed|sexually|i said no to)",
    r"\btouch\w* (?:me|her|him) (?:without|against|when i said no)",
    r"\btouch(?:es|ed|ing)? me\b",
    r"\bpressur\w* (?:me|her|him) into (?:sex|sexual|sleeping)",
    r"\bsexual stuff\b",
    r"\bsend (?:nudes|naked)\b",
    r"\bmakes? me (?:have sex|sleep with)\b",
    r"\bmade me (?:sleep with|have sex)\b",
    r"\bdid (?:stuff|things) to me\b",
    r"\bforc\w* (?:me|her|him) to do (?:stuff|things)\b",
    r"\bprivate (?:photos|pictures|pics)\b",
    r"\bgroom(?:ed|ing)\b",
]
_CHILD = [
    r"\b(?:hit|hits|hitting|beat|beats|beating|hurt|hurts|hurting|abus\w*|touch\w*|shak\w*) "
    r"(?:the|my|our|his|her) "
    r"(?:kids?|child(?:ren)?|son|daughter|baby|toddler|stepson|stepdaughter)\b",
    r"\bchild abuse\b",
    r"\b(?:kids?|child(?:ren)?|baby|son|daughter) (?:is|are) (?:in danger|scared of (?:him|her))\b",
    r"\bleft (?:the|my|our) (?:(?:\d+|one|two|three|four) year old|baby|toddler|newborn) alone\b",
    r"\bshut (?:her|him) up for good\b",
]
_CHILD_INHERENT = [
    r"\b(?:don'?t|do not|doesn'?t) (?:think|feel) (?:my|the|our|his|her) "
    r"(?:kids?|child(?:ren)?|son|daughter|baby|toddler) (?:is|are) safe\b",
    r"\b(?:kids?|child(?:ren)?|son|daughter|baby|toddler) "
    r"(?:isn'?t|aren'?t|is not|are not) safe\b",
    r"\b(?:kids?|child(?:ren)?|son|daughter|baby|toddler) (?:is|are) unsafe\b",
]


# Indirect self-harm language: passive wishes, burdensomeness, goodbyes, plans, means.
_SELF_HARM_INDIRECT = [
    rf"{_NOT_BEING_LEFT}\b(?:better off|easier for everyone|happier) (?:if|without) (?:i|me)\b"
    r"(?! (?:left|moved|went|quit|stopped|had))",
    r"\b(?:if|when) i (?:just )?(?:wasn'?t|weren'?t|was not|were not) (?:around|here|alive)\b",
    r"\b(?:won'?t|not going to) (?:be (?:a problem|a burden|around|here|bothering anyone)) (?:for )?"
    r"(?:much|very) longer\b",
    r"\b(?:not|won'?t) be (?:around|here) (?:much|for much|very) longer\b",
    r"\b(?:a|such a) burden (?:to|on) (?:everyone|everybody|my family|them all)\b",
    r"\b(?:tired|sick) of (?:existing|being alive|living|life itself)\b",
    r"\bsleep (?:and|n) (?:never|not) wake up\b",
    r"\bdisappear(?:ed|ing)? (?:forever|for good|permanently)\b",
    r"\bno (?:reason|point) (?:to|in|of) "
    r"(?:go(?:ing)? on|carry(?:ing)? on|living|life|me being here)\b",
    r"\bnobody would (?:even )?(?:notice|care|miss me)\b",
    r"\b(?:no one|noone) would (?:even )?(?:notice|care|miss me)\b",
    r"\bwouldn'?t (?:even )?(?:notice|care|miss me) if i (?:was|were) gone\b",
    r"\bcan'?t (?:see|find) a way out\b",
    r"\b(?:better off|happier|easier|relieved) if (?:i|she|he|they) (?:just )?(?:vanished|disappeared|"
    r"wasn'?t (?:here|around)|weren'?t (?:here|around)|was gone|were gone|died|was dead)\b",
    r"\btired of (?:being (?:a person|me|here|alive)|existing)\b",
    r"\b(?:go to )?sleep and not (?:come back|wake up)\b",
    r"\b(?:punch|hit|slap|bite|scratch|burn)(?:es|s|ed|ing)? (?:my ?self|him ?self|her ?self)\b",
    # "Bit" the verb, after its subject, not the noun: "he could do a wee bit himself",
    # "I'd rather do my bit myself".
    r"\b(?:i|he|she|they|you|we)(?: \w+)? bit (?:my ?self|him ?self|her ?self)\b",
    r"\b(?:till|until) (?:it|my \w+) bleeds?\b",
    r"\b(?:keep|kept|have|carry|hide) a (?:blade|razor)\b",
    r"\bgoogl\w* (?:how|whether|if|what) (?:\w+ ){0,6}(?:drown|overdose|lethal|hang|bleed out|die)\w*",
    r"\b(?:roof|ledge|bridge|edge)\b.*\blooking down\b",
    r"\bnone of (?:this|it) will (?:be my problem|matter)\b",
    r"\b(?:looking up|looked up|googl\w*|search\w*(?: for)?|researching) (?:\w+ ){0,4}(?:bridge|cliff|"
    r"overdose|lethal|rope|tallest|highest|how many pills|how much \w+ it takes)\b",
    r"\bbetter (?:life|off) (?:with|without) (?:a |an )?\w+ who (?:isn'?t|is not) me\b",
    r"\bdon'?t see how i (?:keep going|go on|carry on|get through)\b",
    r"\b(?:idk|i don'?t know) why i'?m still here\b|\bwhy am i still here\b",
    r"\brather be dead\b",
    r"\bpainless (?:ways?|way) to (?:go|die|do it)\b",
    r"\b(?:urge|urges) (?:to (?:cut|hurt|harm)|(?:has|have) come back)\b",
    r"\bwant it to hurt\b",
    r"\bcall(?:s|ing)? (?:himself|herself|myself) (?:a )?['\"]?burden\b",
    r"\bthe only thing (?:stopping|keeping) me\b",
    r"\bgot (?:the |a )?(?:razor|blade)\b",
    # Passive wishes said without the usual words.
    r"\bpray\w* (?:\w+ ){0,4}(?:takes? me|(?:i )?(?:don'?t|never|won'?t) wake up)\b",
    r"\b(?:stop|cease) existing\b",
    r"\brather not (?:be alive|be around|exist|be here (?:any ?more|at all))\b",
    r"\bno point in (?:anything|any of it) (?:anymore|any more)\b",
    r"\bwhat'?s (?:even )?the point (?:of|in) (?:waking up|getting up|living|going on|carrying on)\b",
    r"\bwouldn'?t matter if (?:i|the (?:other|rest)\b.{0,20}) (?:went|was gone|were gone|died|"
    r"disappeared)\b",
    r"\bnot (?:to )?turn(?:ing)? the wheel\b",
    # These include their own negation, so it is not read as negating them.
    r"\b(?:don'?t|can'?t|do not|cannot) (?:really |even )?see what (?:the|my) future'?s? (?:is )?for\b",
    r"\b(?:don'?t think i'?d|wouldn'?t|won'?t|i'?d not) (?:bother )?(?:getting|get) (?:it |myself )?"
    r"treated\b",
    r"\bhop\w* (?:the|my) (?:cancer|illness|tumou?r) (?:comes back|returns|spreads)\b",
    r"\blife insurance\b.*\b(?:better off|instead of me|than (?:with )?me)\b",
    r"\b(?:no|(?:won'?t|wouldn'?t) be any) reason for me to (?:be here|be alive|stay|keep going|"
    r"live|carry on)\b",
    # "I'm not going to kill myself, but I think about it": the thought, not the act, is denied.
    r"\bnot (?:going to|gonna) (?:kill|hurt) my ?self,? but\b",
    r"\b(?:marks|cuts|scars|scratches) (?:up|on|all (?:up|over)) (?:her|his|their) "
    r"(?:arms?|wrists?|legs?|thighs?)\b",
    r"\btired of fighting\b(?! (?:with|about|over|for))",
    r"\bwhat'?s the point of me\b",
    r"\b(?:you'?d|you would|they'?d|they would|everyone would|you'?ll|you will) (?:all )?"
    r"(?:manage|cope|be fine|do better|get on) (?:fine |better |ok |okay )?without me\b",
    # Passive wishes and self-hatred said plainly (round-6 dev set).
    r"\bwish (?:i|i'?d|id)(?: had| was| were)? never (?:been )?born\b",
    r"\b(?:thoughts?|thinking|think) (?:about|of) not (?:existing|being alive|being here|waking up)\b",
    r"\b(?:lie|lay) down and never (?:get|wake) up\b|\bnever (?:get|wake) up again\b",
    r"\b(?:don'?t|do not|can'?t|cannot) (?:really )?see (?:a|any) future\b(?! (?:with|for (?:us|him|her|"
    r"them|the|this|our|that)|together|in (?:this|the|that|our|it)|there|here))",
    r"\bi'?m (?:just )?(?:a |such a )?waste of (?:space|oxygen|air)\b",
    r"\bi deserve to (?:hurt|suffer|be hurt|feel pain|be in pain)\b",
]
_SELF_HARM_PLAN = [
    r"\bwho (?:gets|should get|will get|would get) my (?:things|stuff|belongings|cat|dog|stuff)\b",
    r"\bsort(?:ed|ing)? out (?:who gets (?:my|what|all)|my will|everything for when i'?m gone)\b",
    # (A dosette box keeps a week's tablets in order: that is taking them, not saving them.)
    r"\b(?:saving|stockpiling|hoarding|collecting|saved) (?:up )?(?:all )?(?:my |some |the )?"
    r"(?:pills|tablets|meds|painkillers|sleeping pills|prescriptions?)\b(?! in (?:a|my|the) "
    r"(?:dosette|pill ?(?:box|organiser|organizer)))",
    r"\b(?:goodbye|good-bye|farewell) (?:letters?|notes?|messages?|texts?|videos?)\b",
    r"\b(?:wrote|written|writing|left) (?:letters|notes) (?:to|for) "
    r"(?:everyone|everybody|my (?:family|kids|mum|mom|parents|sister|brother|friends))\b",
    r"\bsaid (?:my )?goodbyes?\b",
    r"\bgiv(?:e|en|ing) (?:away )?(?:all )?(?:of )?(?:my|his|her|their) (?:stuff|things|belongings|possessions)"
    r"(?: away)?\b",
    r"\bthis (?:is|will be) my last (?:week|day|night|weekend|birthday|christmas)\b"
    r"(?! (?:at|of|in|on) (?:work|the job|uni|school|college|the course|this job))",
    r"\b(?:picked|chosen|set) (?:a|the) date\b(?! (?:for|of) (?:the|our) (?:wedding|party|move))",
    r"\b(?:bought|got|found) (?:a )?(?:rope|the rope|a gun|the pills)\b",
    r"\bhow (?:many|much) (?:\w+ )?(?:it would take|would kill|is a lethal)\b",
    r"\blethal dose\b",
    r"\b(?:taken|took|swallowed|downed|necked) (?:about |like |around )?\d+ (?:of )?(?:my |the |her |his )?"
    r"(?:\w+ )?(?:pills|tablets|antidepressants|painkillers|paracetamol|meds)\b",
    r"\b\d+ (?:of )?(?:my |her |his |the )?(?:\w+'?s? )?(?:sleeping )?(?:pills|tablets|painkillers)\b"
    r".*\b(?:drawer|sock|hidden|saved|saving|there)\b",
    r"\b(?:engine|car)(?:'s| is)? (?:was )?running\b.*\b(?:garage|hose)\b|\bgarage\b.*\b(?:engine running|"
    r"hose)\b",
    r"\b(?:affairs in order|my will sorted|love you all,? sorry|tell \w+ (?:that )?i loved (?:her|him|them))\b",
    r"\b(?:legs|feet) over the (?:edge|side|railing)\b",
    r"\btop of the (?:car park|multi-?storey|building|block)\b",
    r"\bend it (?:all|tonight|today|soon|now)\b(?! with)|\bi(?:'?m| am) (?:going to|gonna) end it\b(?! with)",
    r"\b(?:taken|took|swallowed|downed) (?:some|all|a load|loads|everything|a handful|extra) "
    r"(?:of )?(?:my |the |her |his )?(?:tablets|pills|meds|medication|paracetamol|painkillers)\b",
    r"\btaken everything in the (?:medicine )?(?:cabinet|cupboard)\b",
    r"\b(?:pile|handful|boxes|packs|bottle) of (?:\w+'?s? ){0,2}(?:pills|tablets|paracetamol|painkillers|meds)\b",
    r"\b(?:walking|walk|going|heading|drive|driving) into the (?:sea|river|water|traffic)\b",
    r"\b(?:posted|sent|texted|left) (?:a |me a |us a )?(?:goodbye|good bye)\b|['\"]bye babe['\"]",
    r"\blook after (?:mum|mom|dad|the kids|my \w+|your \w+) for me\b",
    r"\bnot (?:gonna|going to) be (?:around|here) (?:after|by|much)\b",
    r"\blast message from me\b|\bit'?ll all be over\b|\bwhoever finds me\b|\bpicked (?:the|a) spot\b",
    r"\b(?:cord|rope|noose)\b.{0,40}\b(?:tied|ready|loft|garage|beam|boot|tree|don'?t follow)\b",
    r"\bheading to the (?:multi ?-?storey|bridge|cliffs?|quarry|top floor)\b",
    # Means at hand and a goodbye in one message ("pills are out. bye x").
    r"(?=.*\b(?:pills|tablets|rope|blades?|razors?|noose)\b)(?s:.*)\b(?:bye|goodbye)\b(?! for now)",
    r"\bhose(?:pipe)? (?:\w+ ){0,3}(?:to|on|onto|into) the exhaust\b",
    # ...said of someone else, unless the message is about a relationship ending.
    r"(?=(?!.*\b(?:boyfriend|girlfriend|bf|gf|relationship|going off (?:her|him|me)|break(?:ing)? up|"
    r"dump\w*|engagement|marriage|affair)\b)).*\b(?:he|she|they)(?:'?s| is|'?re| are|'ll| will) "
    r"(?:(?:going to|gonna) )?end it\b(?! with)",
    r"\b(?:taken|took|swallowed|downed) (?:my|his|her|their) (?:whole|entire) (?:prescription|"
    r"supply|bottle|box|packet|pack)\b",
    r"\b(?:bank details|pin|passwords?)\b.{0,40}\bjust in case\b",
    # Means at hand, set out or already used.
    r"\b(?:pills|tablets|meds)\b (?:are |is )?(?:all )?(?:lined up|laid out|counted out)\b|\b(?:lined up|"
    r"laid out|counted out) (?:all )?(?:the |my )?(?:pills|tablets|meds)\b",
    r"\b(?:taken|took|swallowed) (?:them|it) all\b(?=\s*(?:[.!,;]|$| and\b| x\b))|"
    r"\b(?:taken|took|swallowed) (?:them|it)\.? (?:about|like|around) \d+\b|"
    r"\b(?:taken|took|swallowed) ['\"]?all of (?:them|it)\b",
    # ...or about to be: the means and a time anywhere in the message (the look-aheads are
    # anchored at its start) and "taking them all", which a course of antibiotics taken to
    # the end, or a question about the dose, is not.
    r"(?=(?!.*\b(?:antibiotics?|course|prescribed|doctor|gp|pharmacist|vitamins?)\b)"
    r".*\b(?:pills|tablets|meds|painkillers|paracetamol)\b)(?=.*\b(?:tonight|today|right now|"
    r"now|this weekend|once (?:[\w']+ ){0,3}(?:asleep|gone|out))\b)(?s:.*)"
    r"(?<!do i )(?<!should i )(?<!can i )(?<!how to )\b(?:tak(?:e|ing)|"
    r"swallow(?:ing)?|down(?:ing)?) (?:them|it|the lot) all\b",
    r"\b(?:razors?|blades?)\b(?:'s| is| are)? (?:here|ready|next to me|out|in there|with (?:her|him|me))\b",
    r"\bcut (?:\w+ ){0,2}deeper\b|\b(?:cut|cutting|wrists?|arms?)\b.{0,60}\bwo?n'?t stop bleeding\b",
    r"\b(?:wrists?|arms?) (?:\w+ )?bleeding\b",
    # Where someone is: at an edge, on the tracks, on a bridge or roof now.
    r"\b(?:on|at) (?:the )?(?:edge of (?:the|a) (?:roof|cliff|bridge|building)|(?:train|railway|rail) "
    r"tracks|tracks behind|ledge|cliff edge)\b|\bon the roof of\b(?!.{0,40}\b(?:watching|fireworks|"
    r"party|drinks|fixing|repair\w*|sunbath\w*|view|stars|gutter\w*)\b)",
    r"\b(?:standing|sitting|sat|stood|i'?m|im|she'?s|he'?s) (?:on|at) (?:the )?(?:bridge|roof|cliffs?)\b"
    r".{0,40}\b(?:rn|right now|now|tonight|looking down|water|quiet up here|windy)\b",
    r"\bbalcony of (?:the |a )?\d+\w* floor\b",
    # Goodbyes: notes and messages, another's goodbye and then silence.
    r"\b(?:wrote|written|writing|left|finished) (?:the |my |some |a )?(?:letters?|notes?)\b.{0,40}"
    r"\b(?:sorry|goodbye|not (?:your|my) fault|love you|tonight|one for (?:mum|mom|dad|my))\b",
    r"\bnote\b.{0,60}\b(?:saying sorry|sorry to|none of (?:it|this) (?:is|was) (?:my|your|his|her|"
    r"their) fault)\b",
    r"\bsorry for everything\b(?s:.*)\b(?:phone(?:'s| is)? (?:off|dead)|not (?:answering|picking up)|"
    r"won'?t answer|can'?t (?:reach|get hold of)|isn'?t answering|no answer|gone)\b",
    r"\b(?:saying|said|says|to say) (?:goodbye|bye)\b.{0,60}\b(?:cliffs?|bridge|tracks|roof|edge|"
    r"phone(?:'s| is)? off|not answering)\b",
    r"\bsee (?:you|u|ya) (?:all )?on the other side\b",
    r"\bso (?:nobody|no one|noone|the kids|my \w+) (?:has|have|will have) to find me\b",
    r"\blast thing on my list\b",
    r"\b(?:it'?s|its|this is) (?:my |the )last night\b(?! (?:of|at|in|on|before|for))",
    r"\bdeleted (?:all )?my (?:socials|accounts|social media)\b.{0,60}\b(?:bye|goodbye|tonight|"
    r"happening)\b",
    r"\b(?:passwords?|logins?)\b.{0,60}\b(?:sort (?:out )?my (?:accounts|stuff|things) after|"
    r"(?:after|when) i'?m gone)\b",
    r"\bwon'?t be (?:around|here) to (?:need|use|see|spend)\b",
    r"(?=.*\b(?:gave|give|giving|gift|handed|handing|sorted the will|my will|passwords)\b)"
    r".*\b(?:wont|won'?t|will not) (?:be )?need(?:ing)? (?:it|them|any of (?:it|this|them)|this app)\b",
    r"\bplan is (?:sorted|set|ready)\b.{0,40}\b(?:car|garage|hose|pills|rope|tonight|after)\b",
    r"\bsaid ['\"]?don'?t (?:follow|come (?:after|looking for)) me\b",
    r"\b(?:got|have|'ve got) everything (?:i need|ready)\b.{0,60}\b(?:waiting|empty|tonight|asleep)\b",
    r"\b(?:stockpil\w*|hoard\w*|sav(?:ed|ing) up) (?:all )?(?:of )?(?:my |his |her |their )?(?:insulin|"
    r"pills|tablets|meds|painkillers|prescriptions?)\b",
    # Putting affairs in order with an end in view (round-6 dev set).
    r"\bcancel\w* my (?:phone|mobile) contract\b.{0,80}\b(?:won'?t|wont|doesn'?t|doesnt) matter\b|"
    r"\b(?:won'?t|wont) matter\b.{0,80}\bcancel\w* my (?:phone|mobile) contract\b",
    r"\b(?:locked|lock) the door and (?:turned )?the gas(?: is)? on\b|\bthe gas is on\b.{0,40}\b(?:door|"
    r"windows?|sealed|locked)\b",
    # "Don't talk me out of it" is also said of a new dress: only with a goodbye or resolve.
    r"(?=.*\b(?:goodbye|bye|this time|tonight|decided|made up my mind|mind'?s made up|ready|"
    r"sorry|last|note|rope|pills|tablets|letters?|wanted (?:to say|someone to know))\b).*"
    r"\b(?:don'?t|do not|dont) (?:try to )?talk me out of it\b",
    r"\blast message (?:to|for) (?:anyone|everyone|you all)\b",
    r"\b(?:nobody|no one|noone) (?:has|have|will have) to be the one (?:to|who) finds? me\b",
    r"(?<!cover )(?<!application )(?<!reference )(?<!invitation )(?<!thank you )(?<!motivation )"
    r"\bletters are (?:written|sealed|done)\b",
]
# Coercive control: one person's pattern of monitoring, isolating, controlling money or
# intimidating. "My" marks the speaker's phone or friends, so "I check his phone" (the
# speaker's own insecurity) is not read as being controlled.
_YOUNG = (r"(?:(?:[0-9]|1[01]) ?(?:yo|y/o|year old|yr old)|\d+ ?month old|toddler|baby|babies|newborn|little one|"
          r"little ones|kids|children|niece|nephew|little (?:sisters?|brothers?)|"
          # "my grandson, he's four": an age said on its own (never "one": "she's one of ...").
          r"(?:he|she)'?s (?:[2-9]|1[01]|two|three|four|five|six|seven|eight|nine|ten|eleven)"
          r"(?! (?:hours?|days?|weeks?|months?|years?|times|minutes?|mins?|o'?clock|pm|am|and)))")
# Up to three words between a person and what they do, none of them a negation.
# Reported speech ("she told me she'd read my messages") is an account, not the pattern.
_GAP = (r"(?:(?!(?:doesn'?t|don'?t|didn'?t|never|not|won'?t|wouldn'?t|isn'?t|told|said|admitted|"
        r"confessed|asked)\b)[\w']+ ){0,3}")
# A minor: a school-age or younger child, or a son or daughter named as a child.
_MINOR = (r"(?:\(?(?:[0-9]|1[0-5])\)? ?(?:yo|y/o|yrs? old|year old)|\((?:[0-9]|1[0-5])\)|son|daughter|"
          r"kid|kids|child|children|boy|girl|niece|nephew|toddler|baby|little (?:brother|sister))")
_OTHER = (r"(?:he|she|they|partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|ex"
          r"|dad|mum|mom|father|mother|stepdad|stepmum|stepmom)")
_COERCIVE_CONTROL = [
    rf"\b{_OTHER} {_GAP}(?:reads?|read|check(?:s|ed)?|go(?:es)? through|went through|"
    r"looks? through|monitor(?:s|ed)?|track(?:s|ed)?|screenshots?|logs? into) (?:all )?"
    r"(?:of )?my (?:phone|texts|messages|emails|dms|chats|location|whatsapp|socials|"
    r"instagram|snapchat|bank|search history|browser)\b",
    r"\b(?:tracker|tracking app|spyware|airtag) on my (?:phone|car|bag)\b",
    r"\b(?:won'?t|doesn'?t|does not|will not|wouldn'?t|never) let(?:s)? me "
    r"(?:see|go out with|talk to|visit|have (?:my own|any|a)|work|get a job|drive|go out|"
    r"go anywhere|leave the house|keep|use the car|have friends|spend)\b",
    r"\bnot allowed to (?:see|talk to|go out|have (?:my own|any|a)|leave|work|spend|text|call)\b",
    r"\b(?:stops?|stopped|keeps?|kept|cuts?|cut|cutting) me (?:from seeing|away from|off from) "
    r"(?:all )?(?:my |any of my )?(?:friends|family|mum|mom|parents|sister|brother)\b",
    r"\b(?:makes?|made) me (?:cut off|stop seeing|stop talking to|block|unfollow|delete) "
    r"(?:all )?(?:my |any )?(?:friends|family|mum|mom|parents|sister|brother|number)\b",
    r"\b(?:takes?|took|keeps?|controls?|has) (?:all )?(?:of )?(?:my|our) (?:money|wages|salary|"
    r"pay|paycheck|paycheque|bank card|cards|pin|benefits|passport|car keys|keys)\b"
    r"(?! (?:safe|for me when i ask))",
    r"\b(?:gives?|gave) me (?:an )?allowance\b",
    r"\bhave to (?:ask|beg) (?:him|her|them) (?:for|before i spend) (?:money|any money)\b",
    r"\b(?:smash(?:es|ed|ing)?|breaks?|broke|punch(?:es|ed)?|kick(?:s|ed)?) (?:things|stuff|my "
    r"(?:phone|things|stuff)|holes in)\b",
    r"\bwalking on eggshells\b.*\b(?:scared|afraid|terrified|what he'?ll do|what she'?ll do)\b",
    r"\b(?:scared|afraid|terrified) (?:of )?what (?:he|she|they)(?:'ll| will| might) do\b",
    r"\bcontrols? (?:everything|who i see|where i go|what i wear|what i eat|the money)\b",
    rf"\b{_OTHER} {_GAP}(?:reads?|check(?:s|ed)?|go(?:es)? through|monitor(?:s|ed)?|"
    r"track(?:s|ed)?) (?:all )?(?:of )?her (?:phone|texts|messages|emails|dms|location)\b",
    r"\b(?:if|when|whenever) i (?:turn|switch) (?:it|my location|location sharing|my phone) off\b"
    r".*\b(?:turns? up|goes mad|loses it|kicks off|punish\w*|find me|comes? looking)\b",
    r"\b(?:puts?|put|keeps?) me on an allowance\b",
    r"\bmakes? me (?:show|hand over) (?:him |her )?(?:the )?(?:receipts|my bank|my phone|my wages)\b",
    r"\b(?:makes?|made) me (?:delete|block|unfollow|cut off|stop seeing|stop talking to) "
    r"(?:\w+ ){0,3}(?:friends?|family|mum|mom|parents|sister|brother|number|contacts)\b",
    r"\byou know what i'?m capable of\b",
    r"\b(?:fist|head|foot) through (?:the|a) (?:door|wall|window)\b",
    r"\b(?:says?|said|threaten\w*) (?:that )?(?:he|she|they)(?:'ll| will| would| is going to| was going to)? "
    r"(?:send|share|post|leak|show) (?:it|them|the (?:video|photos|pics|pictures)|my|our)\b",
    r"\bmake sure (?:i|you) (?:never|won'?t) see (?:the kids|them|my (?:kids|children|son|daughter)) again\b",
    rf"\b{_OTHER} {_GAP}(?:smash|break|throw|broke|threw)\w* (?:the |my |our )?"
    r"(?:plates|dishes|glasses|cups|furniture|phone)\b",
    r"\bkeeps? (?:turning|showing) up (?:at|outside) (?:my|her|his) (?:work|house|flat|school|door|job)\b",
    r"\b(?:put|installed|hidden) (?:something|an app|spyware|a tracker) on my (?:phone|laptop|car)\b",
    r"\bcan'?t hide anything from (?:him|her|them)\b",
    r"\boutside (?:the|my) (?:front |back |bedroom )?door\b.*\b(?:kicking|banging|shouting|screaming)\b",
    r"\b(?:'ll|will|gonna|going to) (?:break|smash) (?:my|your|her|his) (?:fingers|arms?|legs?|face|"
    r"nose|neck|jaw|wrists?|teeth)\b",
    r"\b(?:'ll|will|gonna|going to) crash (?:us|the car|into)\b",
    r"\bwake up\b.*\b(?:already )?(?:doing (?:stuff|things)|touching me|on top of me)\b",
    r"\b(?:keep|carry on)? ?\w+ing and see what happens\b",
    r"\block(?:s|ed)? (?:me|her|him|my (?:mum|mom|wife|girlfriend|partner|husband)) out\b",
    r"\b(?:banging|hammering|kicking|pounding) on (?:the|my) (?:\w+ )?(?:door|window)\b",
    r"\boutside my (?:flat|house|door|work|window)\b.*\b(?:won'?t leave|not leaving|let him in|let her in|right now)\b",
    r"\b(?:says?|said) i'?m not (?:leaving|going anywhere)\b",
    r"\b(?<!\bi )(?:won'?t|doesn'?t|does not|will not|never) let (?:me|her|him) (?:out|go out|leave|go|ring|call|phone|text|answer|pick up|come home)\b",
    r"\bgoing to find out what happens\b|\bsays? i'?m next\b",
    r"\bthreaten\w* to (?:burn|smash|destroy|break|throw out|get rid of) (?:all )?(?:of )?my\b",
    r"\b(?:has|had|got) (?:me|her|him) pinned\b|\bholds? (?:me|her) down\b",
    r"\bforc(?:es|ing|ed) (?:me|her) (?:again|to)\b",
    r"\bhiding in the (?:wardrobe|bathroom|cupboard|closet|car|loo|toilet)\b"
    r"(?!.*\b(?:peace|quiet|biscuit|snack|chocolate|wine|five minutes)\b)",
    r"\b(?:makes?|made) (?:me|her) (?:share|send|turn on|keep on) (?:my |her )?(?:location|selfies?|pics|photos)\b",
    r"\bprove where i (?:am|was)\b",
    r"\b(?:has|keeps?|holds?) (?:all )?the (?:bank cards?|money|cards|car keys?)\b",
    r"\bcontrols? (?:every penny|all the money|my money|the finances|our money|her money)\b",
    r"\bhave to ask (?:him |her |them )?(?:for|permission for) (?:\w+ )?money\b",
    r"\b(?:go(?:es)? through|check(?:s|ing)?) (?:the |my )?(?:bins|receipts)\b",
    r"\bhaven'?t seen (?:anyone|my friends|my family|my mum|my mom) (?:but|except) (?:him|her)\b",
    r"\b(?:approves?|checks?|chooses?|picks?) (?:my|what i) (?:outfits?|clothes|wear)\b|\bapprove my outfit\b",
    r"\bapp\b.*\b(?:sends?|shows?) (?:him|her) (?:my|where)\b",
    r"\b(?:take|takes|taking) the kids (?:off|away from) me\b|\b(?:tell|report me to|ring|call) social services\b",
    r"\bturns? up at (?:her|my) (?:work|job|school|uni)\b",
    r"\bpressur\w* (?:me|her|him) into (?:stuff|things)\b|\bpush(?:es|ing)? (?:me )?for sex\b",
    r"\btracks? (?:my|her) (?:car|phone|location)\b",
    r"\bhas (?:my|her) (?:bank login|bank details|pin|passwords?)\b",
    r"\bnobody else would (?:put up with|want|love) (?:me|you|her)\b",
    r"\b(?:he'?ll|she'?ll|will) change the locks\b",
    r"\b(?:gets|get|is|can be) (?:a bit |really |so )?scary when\b",
    r"\bkeeps? the (?:only )?car keys?\b",
    r"\btake the kids abroad\b|\bnever (?:find|see) (?:them|the kids) again\b",
    r"\b(?:makes?|made) (?:me|her|him) ask (?:his |her |their )?permission\b",
    r"\b(?:tracker|tracking app|spyware|airtag|gps)\b.{0,40}\b(?:my|her) (?:phone|car|bag|handbag|"
    r"coat|purse|jacket)\b",
    r"\b(?:won'?t|doesn'?t|does not|will not|wouldn'?t|never) let(?:s)? her "
    r"(?:see|go out with|talk to|visit|have (?:her own|any|a)|work|get a job|drive|go out|"
    r"go anywhere|leave the house|keep|use the car|have friends|spend)\b",
    r"\b(?:took|takes|taken|has|keeps?|kept|kept hold of|holds? onto|held onto) (?:her|my) "
    r"passport\b",
    r"\b(?:waits?|waited) (?:till|until) i'?m (?:asleep|drunk|passed out|wasted)\b",
    r"\b(?:kept going|didn'?t stop|wouldn'?t stop|carried on) (?:\w+ ){0,2}(?:when|after|even "
    r"though|even when|though) i (?:said|told (?:him|her)|asked (?:him|her)) (?:to )?stop\b",
    r"\b(?:got|has|took|takes|hides?|hid|taken) (?:my|her|his) (?:inhaler|medication|meds|insulin|"
    r"epipen|epi-pen)\b.{0,60}\b(?:can'?t have (?:it|them) back|won'?t give (?:it|them) back|"
    r"(?:un)?till? i)\b",
    r"\b(?:outfits?|clothes)\b.{0,20}\b(?:gets?|has to be|have to be|are|is) approved\b",
    r"\b(?:made|makes|forced|forces) me (?:give|hand over|tell) (?:(?:him|her|them) )?(?:all )?my "
    r"(?:\w+ )?(?:(?:and|&) \w+ )?(?:passwords?|pins?|logins?)\b",
    r"\blogs? in(?:to my \w+)? whenever (?:she|he|they) (?:wants?|likes?)\b",
    r"\btimes? how long i\b",
    r"\bsmash(?:ing|es|ed)? up the (?:house|flat|place|kitchen)\b|\bsmash(?:ed|es|ing)? (?:my|the) "
    r"(?:windows?|car|door)\b",
    r"\b(?:driving|drives|drove|walking|walks) past my (?:work|house|flat|school|office)\b",
    r"\b(?:taken|took|takes|has|hid|hides) my phone\b.{0,40}\b(?:locked|lock|won'?t|can'?t|so i)\b",
    r"\bhas (?:\w+'s) (?:bank login|bank details|pin|passwords?)\b",
    r"\b(?:has|had) to (?:ask|beg) (?:him|her|them) (?:for|before (?:she|he) spends?) "
    r"(?:money|any money)\b",
    # Money, work, looks and accounts kept under one person's control (round-6 dev set).
    r"\b(?:(?:have|has|had) to|makes? me|made me|must) (?:show|give|hand) (?:him|her|them) (?:the |"
    r"all (?:the |my )?|my )?receipts\b",
    rf"\b{_OTHER} {_GAP}made me (?:quit|give up|leave|hand in my notice at) (?:my )?(?:job|work)\b"
    r"(?! (?:application|interview|search|fair))",
    rf"\b{_OTHER} {_GAP}changed (?:the|my) passwords?\b",
    r"\b(?:angry|mad|furious|kicks off|goes mad|sulks) (?:\w+ ){0,2}(?:if|when|whenever) i wear\b",
    r"\b(?:says?|said|tells? me|told me|reminds? me)\b.{0,60}\b(?:nobody|no one|noone) else (?:would|"
    r"will|could) (?:ever )?(?:want|love|put up with) (?:me|you)\b",
]
# Sexual coercion beyond the explicit words above.
_SEXUAL_COERCION = [
    r"\b(?:guilt|pressure|push|talk|bully|bullie)\w* me into (?:sex|sleeping with|things in bed|"
    r"doing things)\b",
    r"\bsex (?:when|even though|after) i (?:said no|say no|don'?t want|didn'?t want)\b",
    r"\b(?:won'?t|doesn'?t|never) take no for an answer\b.*\b(?:sex|bed|touch)",
    r"\b(?:sex|in bed)\b.*\b(?:won'?t|doesn'?t|never) take no\b",
    r"\b(?:asleep|sleeping)\b.{0,80}\b(?:doing (?:stuff|things)|touch\w*|having sex|on top of me)\b",
    r"\b(?:doing (?:stuff|things)|touch\w*|sex)\b.{0,60}\bwhile i(?:'m| was| am)? (?:asleep|sleeping)\b",
    r"\bwoke up (?:and|to) (?:he|she) (?:was )?(?:having sex|on top|touching)\b",
    r"\bi owe (?:him|her) (?:sex|it)\b|\bsaid no (?:\w+ ){0,3}times\b.*\bsex\b",
]
_CHILD_EXTRA = [
    r"\b(?:left|leaves|leaving) (?:the |my |our |his |her |their )?(?:\w+ )?(?:kids?|children|baby|babies|toddler|"
    r"little one|little ones|son|daughter|(?:[0-9]|1[01]) ?(?:yo|year old|yr old)|\d+ ?month old)\b"
    r"(?: \w+){0,3} (?:home )?alone\b(?! with)",
    r"\b(?:kids?|children|baby|toddler|little one|\d+ ?(?:yo|year old|yr old)) "
    r"(?:were|was|are|is|has been|have been) (?:left )?(?:home )?alone (?:all|for|since|overnight)",
    r"\b(?:shak(?:e|es|ing|en)|shook) (?:the|my|our|his|her) (?:baby|newborn|toddler|daughter|son|"
    r"little one)\b(?!'s| awake)",
    r"\b(?:gone|went|is|she'?s|he'?s) (?:really |all |a bit )?floppy\b",
    r"\b(?:hits?|hitting|smacks?|smacked|slaps?|slapped|beats?|belts?|belted|punch(?:es|ed)?|"
    r"kicks?|kicked|whips?|whipped) (?:\w+ ){0,2}(?:the|my|our|his|her) "
    r"(?:kids?|little (?:boy|girl|brother|sister)|son|daughter|baby|toddler|stepson|stepdaughter|"
    r"grandson|granddaughter)\b",
    r"\b(?:doesn'?t|don'?t|never|won'?t) feed (?:the|my|our|his|her) (?:kids?|children|baby)\b",
    r"\b(?:kids?|children|baby|toddler) (?:go|goes|went|are going|have gone) (?:to bed )?hungry\b",
    r"\b(?:drunk|high|wasted|hammered|passed out|off (?:his|her) (?:face|head))\b(?: [\w,]+){0,10} "
    r"(?:with|looking after|minding|in charge of|driving|take|taking|drive) (?:the|my|our|his|her|him|her) "
    r"(?:kids?|children|baby|toddler|little one)\b",
    r"\b(?:send|sent|sends) (?:him |her |them )?(?:photos|pics|pictures|nudes)\b"
    r"(?: \w+){0,6} (?:\d+|twelve|thirteen|fourteen|eleven)\b",
    r"\b(?:adult|grown man|older man|stranger)\b(?: \w+){0,8} (?:asking|asked|wants) "
    r"(?:my|our|her|his) (?:daughter|son|kid)\b",
    # The same sentence names a young child and a carer out of it, drunk or high.
    rf"(?=.*\b{_YOUNG}\b).*\b(?:drunk|high|wasted|off (?:their|his|her) (?:faces?|heads?)|passed out|"
    r"on drugs|coked up)\b",
    rf"(?=.*\b{_YOUNG}\b).*\b(?:always (?:starving|hungry)|ran out of food|no food in the house|"
    r"hasn'?t eaten|haven'?t eaten|same clothes all week|no adults?|nobody has come)\b",
    rf"(?=.*\b{_YOUNG}\b).*\b(?:balcony|railing|window ledge|main road)\b",
    r"\b(?:tells?|told|asks?|asked|keeps? telling) (?:her|him|them|me) to (?:delete|hide|keep) "
    r"(?:their|the|our|his|her) (?:messages|chats|texts|secret|hugs)\b",
    r"\bkeep (?:\w+ ){0,2}a secret\b.*\bi'?m (?:[5-9]|1[0-5])\b",
    r"\b(?:held|holds|put|puts|pushed|pushes) (?:\w+'?s? ){0,2}(?:hand|arm|head|face) "
    r"(?:on|in|under|against) (?:the )?(?:hob|stove|oven|fire|bath water|iron)\b",
    r"\bi'?m (?:[5-9]|1[0-3])\b.*\b(?:no food|ran out of food|hasn'?t been back|alone|scared)\b",
    r"\b(?:hasn'?t|haven'?t) been (?:back|home) since\b.*\b(?:little (?:sisters?|brothers?)|"
    r"kids|baby)\b",
    rf"(?=.*\b{_MINOR}\b).*\b(?:shut|locked|locks?)\b.*\b(?:shed|garden|cupboard|cellar|room|outside)\b",
    rf"(?=.*\b{_MINOR}\b).*\b(?:(?:our|their|it'?s|is) (?:little )?secret|"
    r"(?:told|tells|asked|asks|makes?|made) (?:her|him|them) (?:not to tell|to keep|to delete))\b",
    rf"(?=.*\b{_MINOR}\b).*\b(?:bruises?|flinch\w*)\b",
    rf"(?=.*\b{_MINOR}\b).*\b(?:grown man|older man|adult|stranger|older guy)\b.*\b(?:pics|photos|pictures|nudes|meet)\b",
    r"\b(?:hits?|hit|slapped|smacked|punched|kicked) (?:our|my|his|her|their|the) (?:\d+ ?(?:yo|yr old|yrs? old|year old)|little (?:one|boy|girl))\b",
    # A young child left on their own while the carer is out.
    rf"(?=.*\b{_YOUNG}\b).*\b(?:(?:was|were|is|are|been|being) (?:left )?on (?:their|his|her) own\b"
    r"(?! with)|left (?:him|her|them) (?:asleep|alone|on (?:his|her|their) own)|gone (?:out )?to "
    r"the pub)",
    rf"(?=.*\b{_YOUNG}\b).*\bon (?:their|his|her) own (?:since|for (?:days|hours|the weekend)|"
    r"all (?:day|night|weekend))\b",
    r"\bnever see (?:her|him|them) (?:breathe|alive) again\b",
    r"\bhasn'?t been fed\b|\bhaven'?t been fed\b",
    r"\bstop (?:daddy|mummy|mommy|mum|dad)\b",
    r"\b(?:left|leaves?|leave) (?:the |my |her |his |their )?(?:\w+ )?(?:kids?|twins|baby|toddler|little one)s? (?:alone )?in the (?:bath|car)\b",
    r"\b(?:taking|take) (?:her|him|them|the kids|our \w+) (?:out of the country|abroad)\b",
    rf"(?=.*\b{_YOUNG}\b).*\b(?:dirty clothes|don'?t (?:have|get) (?:tea|dinner|food)|go without food)\b",
    r"\bcalls? (?:our|my|his|her|the) (?:\w+ ){1,3}(?:stupid|worthless|useless)\b",
    r"\btouch(?:es|ed|ing)? (?:him|her) (?:weird|funny|there|inappropriately)\b",
    r"\bshook (?:the|her|his) (?:cot|crib|pram)\b",
    r"\b(?:coach|teacher|tutor|instructor|leader|priest|neighbou?r|trainer)\b.{0,60}\b(?:texts?|"
    r"messag\w*|dms?|snapchats?|rings?|calls?)\b.{0,30}\b(?:at (?:midnight|night|\d+ ?am)|late at "
    r"night)\b",
    r"\b(?:coach|teacher|tutor|instructor|leader|priest|neighbou?r|trainer)\b.{0,120}\b(?:a secret|"
    r"keep it secret|not to tell)\b",
    # An impaired carer about to drive a child.
    rf"(?=.*\b{_MINOR}\b).*\b(?:drunk|hammered|wasted|high|off (?:his|her|their) (?:face|head)|"
    r"drinking since|slurring|barely stand)\b.*\b(?:driv\w*|in the car|car keys|keys in)\b",
    r"\b(?:i think )?i'?m neglecting (?:my|the|our) (?:kids|children|son|daughter|baby)\b",
    rf"(?=.*\b{_MINOR}\b).*\bsit on (?:his|her) lap\b.*\b(?:angry|says no|said no|doesn'?t want|"
    r"feels off)\b",
    rf"(?=.*\b(?:{_MINOR}|sons)\b).*\b(?:his|her|their) (?:fridge|cupboards?)\b(?: at home)? (?:is|are) (?:literally |"
    r"completely |always )?(?:empty|bare)\b",
    r"\b(?:scared|afraid|worried|terrified|frightened) (?:that )?i'?m? (?:going to|gonna|might|will|"
    r"could) (?:really )?(?:hurt|hit|harm|shake) (?:him|her|them|my (?:son|daughter|baby|kids?))\b",
    rf"(?=.*\b{_YOUNG}\b).*\bcalls? (?:him|her|them) (?:stupid|worthless|useless|an idiot|a "
    r"waste of space)\b",
    r"\b(?:burns?|bruises?|marks?|injur\w*|cuts?) (?:\w+ ){0,4}(?:nobody|no one|noone) (?:could|can|"
    r"would) explain\b|\bunexplained (?:bruises|burns|injuries|marks)\b",
    r"\b(?:threw|throws|thrown|pushed|shoved|slammed) (?:our|my|his|her|the) (?:son|daughter|baby|kid|"
    r"child|toddler|boy|girl)\b(?!'s)",
    r"\btried to (?:get|grab|take|lure|pull) (?:my|our|her|his|the) (?:son|daughter|kid|child|boy|"
    r"girl)\b",
    r"\b(?:don'?t|do not) trust myself (?:with|around|near) (?:him|her|them|my|the)\b|\babout to "
    r"lose it with (?:my|the|our) (?:son|daughter|kids?|baby|toddler)\b",
    r"\b(?:want|wanted|going|gonna) to shake (?:him|her|the baby|my baby)\b",
    rf"(?=.*\b(?:{_YOUNG}|son|daughter)\b).*\b(?:scared|afraid|terrified) of what i(?:'ll| will| might) "
    r"do\b",
    rf"(?=.*\b{_YOUNG}\b).*\bno (?:formula|nappies|milk|food) left\b",
    rf"(?=.*\b{_YOUNG}\b)(?=.*\b(?:went out|gone out|no one|nobody|dark|alone|no adult)\b).*"
    r"\b(?:screaming|crying) for hours\b",
    rf"(?=.*\b(?:{_YOUNG}|months?|baby)\b).*\b(?:lips (?:\w+ ){{0,3}}blue|turning blue|"
    r"breathing (?:sounds |is )?(?:weird|funny|strange))\b",
    rf"(?=.*\b(?:{_YOUNG}|i'?m (?:[5-9]|1[0-3]))\b).*\b(?:won'?t wake (?:up|properly)|hasn'?t woken up)\b",
    r"\bnever (?:find|see) (?:him|her) again\b",
    rf"(?=.*\b{_MINOR}\b).*\b(?:man|guy|adult|bloke|stranger|someone|friend)\b.{{0,40}}\b(?:met|from|in|"
    r"off) (?:a |an |his |her )?(?:online|game|gaming|discord|snapchat|tiktok|roblox|fortnite|"
    r"instagram)\b.{0,80}\b(?:tonight|meet\w*|picking (?:him|her) up|train ticket|gift cards?|money|"
    r"secret|(?:1[89]|[2-9]\d))\b",
    rf"(?=.*\b{_MINOR}\b).*\bmet online\b.{{0,40}}\b(?:who'?s|who is|aged?) (?:1[89]|[2-9]\d)\b",
    rf"(?=.*\b{_MINOR}\b).*\b(?:drive|driving|drove) (?:\w+ ){{0,3}}(?:off|into) (?:a|the) (?:bridge|cliff|"
    r"river|sea|wall)\b",
    # A child harmed now, or shown what no child should see (round-6 dev set).
    rf"(?=.*\b{_MINOR}\b).*\b(?:took|taken|had) something\b.{{0,60}}\b(?:can'?t (?:feel|breathe|stand|"
    r"move)|passed out|won'?t wake|not waking|unconscious)\b",
    r"\b(?:bleach|detergent|pills|tablets|cleaning stuff)\b.{0,60}\b(?:round|in|on|around) (?:her|his|"
    r"their) mouth\b",
    rf"(?=.*\b{_MINOR}\b).*\bteach (?:them|the kids|him|her) a lesson\b",
    r"\bshow(?:s|ed|ing)? (?:my|his|her|our|their|the) (?:\w+ ){0,2}(?:nephew|niece|son|daughter|kids?|"
    r"child|children|grandson|granddaughter|stepson|stepdaughter|cousin|brother|sister) porn\b",
    rf"(?=.*\b{_MINOR}\b).*\b(?:man|guy|someone|adult|person) (?:she'?s|he'?s|shes|hes) (?:been )?"
    r"(?:talking to|chatting "
    r"to|chatting with|met) online\b.{0,60}\b(?:pick(?:ing)? (?:her|him) up|meet(?:ing)?|coming to)\b",
]
# Past and over: "my dad hit us when we were kids, he's been sober 20 years and we're close".
# Harm that is past but not said to be resolved ("he molested me as a kid") still counts.
_PAST = re.compile(
    r"\b(?:years ago|(?:been|for) (?:\d+|two|three|four|five|ten|twenty) years|not for years|"
    r"(?:\d+|many|ten|twenty) years (?:behind me|clean|sober)|as a (?:teenager|kid|child)|"
    r"growing up|in (?:19|20)\d\d|when (?:i|we) (?:was|were) (?:a kid|kids|little|young|at school|"
    r"a teenager|teenagers|1\d|[2-9]\d)|used to|in the past|after my divorce|at (?:1[0-9]|2[0-9])|"
    r"(?:back )?at (?:uni|school|college)|when i was (?:a kid|little|younger)|"
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty) years since (?:my|i))\b")
_RESOLVED = re.compile(
    r"\b(?:sober|(?:clean|sober)(?:,| and| now)|got my own (?:place|flat|home)|apologi[sz]ed|we'?re (?:close|good|fine|okay|ok)|good place|different place|"
    r"behind me|rebuilt|not for years|court order|lives abroad|moved on|healed|owns what|"
    r"made amends|clean for|(?:\d+|many|ten|twenty) years clean|never again since|"
    r"doing (?:much )?better now|in a (?:good|better) place|on my (?:own )?terms|no contact|"
    r"don'?t see (?:him|her|them) anymore|i left (?:him|her|them|that (?:week|day|night|year)|in)|"
    r"clean (?:for )?(?:\d+|many|ten) years|doing well|(?:been )?gone (?:\d+|ten|many) years|"
    r"done (?:loads|a lot|lots) of work on|long gone|so much happier|great therapist|"
    r"(?:i'?m|im|i am) [2-9]\d now|(?:been|felt) safe (?:for|ever since)|"
    r"proud of (?:how far|myself)|how far i'?ve come|(?:protection|restraining) order|"
    r"i (?:left|got out)(?=[,.;]| and)|peer support|support worker|happily (?:re)?married|"
    r"(?:feels|felt) like (?:another|a different) (?:person|life)|"
    r"(?:i'?m|im|i am) doing (?:fine|ok|okay|alright)|"
    r"(?:i'?m|im|i am) (?:safe|happy)(?: and (?:safe|happy))? now|got help|got through it|"
    r"haven'?t (?:done it|self[- ]harmed|cut|hurt myself) (?:in|for) (?:over |nearly |almost )?"
    r"(?:\d+|two|three|four|five|ten|many) years|(?:engaged|married), happy)\b")
# ...unless the message also speaks of danger now.
# ("threatened" and "used to threaten" are told in the past; "threatens" and "threats" are not.)
_STILL = re.compile(r"\b(?:right now|again|scared|afraid|terrified|"
                    r"(?<!used to )threat(?:en|ens|ening|s)?|"
                    r"started|lately|recently|this week|last night|found (?:me|us|out where)|"
                    r"turn(?:s|ed)? up|outside (?:my|our|the)|breach\w*|keeps? (?:breaking|"
                    r"turning|coming|texting|messaging|calling|ringing|following|showing))\b")
# Signs that danger is close: a time, means, a plan or goodbyes, or that it is happening.
_IMMINENT_CUES: Dict[str, List[str]] = {
    "self_harm": [
        r"\b(?:tonight|right now|today|this weekend|tomorrow|in an hour|in a few hours|"
        r"once (?:everyone|they)(?:'s| is| are) (?:asleep|gone|out))\b",
        r"\b(?:pills|tablets|meds|painkillers|rope|gun|knife|blade|razor|bridge|ledge|roof|"
        r"tracks|overdose)\b",
        r"\b(?:planned|a plan|decided|made up my mind|note|letters|goodbye|goodbyes|"
        r"given away|giving away|who gets my|my will|(?:my|our) last (?:week|day|night)|"
        r"last (?:week|day|night) (?:alive|on earth|of my life))\b",
    ],
    "abuse": [
        r"\b(?:right now|tonight|outside|on (?:his|her|their) way|coming home|at the door|"
        r"banging on|hiding|locked (?:me )?in|won'?t let me leave|can'?t get out|knife|gun|"
        r"kill|strangl\w*|chok\w*|can'?t breathe|scared to go home|afraid to go home|"
        r"find me|not safe|kicking (?:the|my|her|his) (?:\w+ )?door|hammer|machete|baseball bat|axe|"
        r"nobody leaves|teach me a lesson|finish me)\b",
    ],
    "child": [
        r"\b(?:right now|tonight|at the moment|alone since|alone all (?:day|night)|for hours|"
        r"for days|overnight|home alone|passed out|unconscious|driv(?:e|es|ing)|not breathing|"
        r"hasn'?t eaten|haven'?t eaten|shak\w* (?:the|my|our|his|her) baby|in danger|"
        r"isn'?t safe|aren'?t safe|not safe|floppy|won'?t wake|won'?t feed|ran out of food|"
        r"for ages|no adult|threw|thrown|against the wall|hit (?:his|her) head|can'?t breathe|"
        r"can'?t feel (?:his|her|their) (?:legs|arms|face)|(?:round|around|in) (?:his|her|their) "
        r"mouth|in (?:\d+|ten|twenty|thirty) (?:mins?|minutes))\b",
    ],
}

_NEGATION_WINDOW = 3
# "can't stop hurting myself": the negation belongs to stopping, not to the harm.
_ONGOING = frozenset({"stop", "stops", "stopping", "quit", "quitting", "help"})
_TOKEN = re.compile(r"[a-z']+")
# Clause boundaries stop a negation from reaching the next clause ("I'm not ok, I want to die").
_CLAUSE_BREAK = re.compile(r"[.,;:!?\n]|\bbut\b|\band\b|\bbecause\b|\bso\b")


@dataclass(frozen=True)
class _Category:
    """A family of patterns: the kind it signals and the sub-kind it is logged as."""

    name: str
    kind: str
    patterns: Tuple[Pattern[str], ...]
    inherent: Tuple[Pattern[str], ...] = ()
    # Patterns that are imminent by themselves (a plan, means, a goodbye).
    imminent: bool = False
    # A figure of speech that cancels the category for that piece of text.
    unless: Optional[Pattern[str]] = None


def _compile(patterns: Sequence[str]) -> Tuple[Pattern[str], ...]:
    """Compile the patterns, anchoring look-ahead ones at the start of the text.

    A look-ahead pattern ("the text mentions a child and ...") anchored at the start is
    tried once rather than from every position: unanchored, a 10,000-character message
    took seconds.
    """
    return tuple(re.compile(rf"\A(?s:{p})" if p.startswith("(?=") else p) for p in patterns)


# A hyperbole the writer marks as one in the same message ("...walking into the sea (joking
# obviously, it's just a meme)"). A later "I was joking" after a disclosure is minimising and
# is handled by the conversation, which keeps the risk (actions/safety_actions.py).
_SAID_TO_BE_A_JOKE = (r"\b(?:joking obviously|obviously joking|(?:it'?s )?just a meme|figuratively|"
                      r"metaphorically|not literally)\b")
# Not a plan: goodbyes said to someone who has since died (grief), and jokes marked as such.
_PLAN_NOT_MEANT = re.compile(r"\bgoodbyes? (?:\w+ ){0,4}before (?:he|she|they) (?:died|passed)\b|"
                            + _SAID_TO_BE_A_JOKE)
# "my boss will kill me", "she'd kill me if I told anyone about the party lol",
# "I'll kill him if he eats my leftovers", "overdosed on chocolate": everyday exaggeration.
_VIOLENT_IDIOM = re.compile(
    r"\b(?:horror|film|movie|series|episode|trailer|documentary)\b[^.!?]{0,30}\b(?:axe|machete|hammer|"
    r"knife|gun)\b|\bknife crime\b|\b(?:just )?kill me now\b|"
    r"\b(?:boss|manager|teacher|lecturer|coach|mum|mom|sister|brother)\b[^.!?]{0,25}\b(?:kill|strangle|"
    r"murder) (?:me|us)\b"
    r"|\bkill (?:me|him|her) for (?:saying|telling|this)\b|\b(?:it|that)(?:'?d| would) kill me\b|\b(?:lol|lmao|haha\w*|jk)\b|"
    r"\bi swear i'?ll kill\b|\bone more time\b[^.!?]*\bkill\b|"
    r"\bwould kill me if (?:he|she|they) (?:knew|found out|saw|heard)\b|"
    r"\bkill (?:him|her|them|you) if (?:he|she|they|you) (?:eats?|drinks?|finish(?:es)?|nicks?|"
    r"steals?|borrows?|uses?) my\b|\b(?:sparring|boxing|gloves on|"
    r"martial arts|karate|judo|kickboxing|tackle|pocket ?knife|pen ?knife|swiss army|scouts?|"
    r"whittl\w*|knife (?:set|block|skills|sharpener)|"
    # Kitchen and outdoor knives as tools ("a good knife for chopping onions"), unless the
    # sentence goes on to a person ("sharpened the knife and stared at me").
    r"(?:sharpen\w* (?:a |the |my |your )?(?:kitchen |chef'?s |new |old )?(?:knife|knives)|"
    r"knife (?:\w+ ){0,2}(?:for|to use for) (?:chopping|cutting|slicing|dicing|peeling|filleting|carving)|"
    r"difference between (?:a|an) \w+ knife and)\b(?![^.!?]*\b(?:me|my|us|him|her|them|held|point\w*|wav\w*|came at|kill\w*|"
    r"hurt\w*|stab\w*|threat\w*|star(?:e|ed|ing)|glar\w*)\b))\b|\b(?:toddler|baby|little one|\d ?(?:yo|year old)) (?:has )?(?:started |keeps |is |"
    r"has been )?(?:hitting|biting|kicking|hits|bites|kicks)\b|\bstab\w* (?:me|him|her|us|them) in the back\b")
# ...and a counterfactual past ("years ago I'd have hurt myself over this").
_SELF_HARM_IDIOM = re.compile(r"\boverdos\w* on (?:chocolate|sugar|caffeine|coffee|netflix|tv|"
                              r"carbs|cake|sweets)\b|\b(?:i'?d|i would) have (?:hurt|harmed|cut|"
                              r"burned|killed) my ?self\b|\b(?:coasteering|bungee|cliff diving|"
                              r"for fun|skydiv\w*|roller ?coaster)\b|\bin (?:the|a|this|that) "
                              r"game\b|\bmy character\b|\brespawn\w*\b|\bdie on this hill\b|"
                              # "want to die of embarrassment"; fiction; a nurse's patient.
                              r"\b(?:top|diving|high) board\b|\b(?:novel|book|film|movie|show|series|episode|story) "
                              r"(?:where|in which)\b|\bdie (?:of|from) (?:embarrassment|shame|cringe|boredom|"
                              r"laughter|laughing)\b|\b(?:dnd|d&d|role-?play|it'?s fiction|"
                              r"(?:our|the|my) campaign)\b|\b(?:playing|play|plays|writing) a "
                              r"character\b|\b(?:patient|client)s? "
                              r"(?:who|whod|who'?d|that) (?:had )?overdosed\b|" + _SAID_TO_BE_A_JOKE)

# Openness both people chose is not control: "she reads my texts and I read hers".
# Nor is keeping someone from driving drunk: "he took my car keys because I'd had 4 pints".
_BOTH_WAYS = re.compile(r"\b(?:and|&) i (?:read|check|see|track|have) (?:hers|his|theirs)\b|"
                        r"\bboth ways\b|\beach other'?s (?:phones?|texts|messages|locations?)\b|"
                        r"\bkeys\b.{0,40}\bbecause (?:i'?d|id|i had|i was|i'?d been)\b")

# Small children hitting or biting each other is ordinary: "my 5 yo hit his baby sister".
_SIBLING_SCUFFLE = re.compile(
    r"\b(?:\d+ ?(?:yo|y/o|year old)|toddler|son|daughter|kids?|twins|boys|girls) (?:\w+ ){0,2}"
    r"(?:hit|hits|hitting|bit|bites|biting|kicked|kicks|pushed|pushes|scratched) (?:his|her|their) "
    r"(?:baby |little |big |older |younger |twin )?(?:sister|brother|sibling|cousin)s?\b")

_CATEGORIES: Tuple[_Category, ...] = (
    _Category("self_harm", "self_harm", _compile(_SELF_HARM + _SELF_HARM_INDIRECT),
              _compile(_SELF_HARM_INHERENT), unless=_SELF_HARM_IDIOM),
    _Category("self_harm_plan", "self_harm", _compile(_SELF_HARM_PLAN), imminent=True,
              unless=_PLAN_NOT_MEANT),
    _Category("violence", "abuse", _compile(_VIOLENCE), _compile(_VIOLENCE_INHERENT),
              unless=_VIOLENT_IDIOM),
    _Category("sexual", "abuse", _compile(_SEXUAL + _SEXUAL_COERCION)),
    _Category("coercive_control", "abuse", _compile(_COERCIVE_CONTROL), unless=_BOTH_WAYS),
    _Category("child", "child", _compile(_CHILD + _CHILD_EXTRA), _compile(_CHILD_INHERENT),
              unless=_SIBLING_SCUFFLE),
    _Category("unsafe", "", (), _compile(_UNSAFE), imminent=True),
)
_CUES = {kind: _compile(patterns) for kind, patterns in _IMMINENT_CUES.items()}
# When one message shows several kinds, the reply speaks to the most urgent one first.
_KIND_ORDER = ("self_harm", "child", "abuse")


@dataclass(frozen=True)
class Risk:
    """The verdict on one message: the kind and level of danger, if any."""

    # None with a level: danger that names no kind ("I'm not safe").
    kind: Optional[str] = None
    level: Optional[str] = None
    # Sub-kinds that matched (self_harm, self_harm_plan, violence, sexual, coercive_control,
    # child, or model when only the classifier saw it); for logs and tests.
    categories: Tuple[str, ...] = ()
    # Danger words appeared, but only clearly negated ("I would never hurt myself").
    negated_only: bool = False

    @property
    def at_risk(self) -> bool:
        """True when the message needs a safety reply."""
        return self.level is not None

    def entities(self) -> List[Dict[str, Any]]:
        """The verdict as NLU entities, for the actions to read."""
        found = []
        if self.kind:
            found.append({"entity": "risk_kind", "value": self.kind})
        if self.level:
            found.append({"entity": "risk_level", "value": self.level})
        return found


NO_RISK = Risk()


def _is_negated(lowered: str, start: int) -> bool:
    """True when a negation word stands shortly before `start` within the same clause."""
    before = lowered[:start]
    clause_breaks = list(_CLAUSE_BREAK.finditer(before))
    if clause_breaks:
        before = before[clause_breaks[-1].end():]
    tokens = _TOKEN.findall(before)[-_NEGATION_WINDOW:]
    negations = [i for i, token in enumerate(tokens) if language.is_negation(token)]
    if not negations:
        return False
    return not any(token in _ONGOING for token in tokens[negations[-1] + 1:])


def _past_and_resolved(lowered: str) -> bool:
    """Harm told as over and done with, and nothing said of danger now."""
    return bool(_PAST.search(lowered) and _RESOLVED.search(lowered) and not _STILL.search(lowered))


def _level(kind: str, lowered: str, plan_matched: bool) -> str:
    if plan_matched or any(cue.search(lowered) for cue in _CUES.get(kind, ())):
        return IMMINENT
    return CONCERN


def _lead_kind(kinds: Sequence[str]) -> Optional[str]:
    return next((k for k in _KIND_ORDER if k in kinds), None)


def screen(message: Optional[str]) -> Risk:
    """Screen one piece of text with the lexicon alone.

    Args:
        message: the person's message (or one sentence of it), any length.

    Returns:
        The most urgent kind found with its level; `negated_only` when danger words
        appeared only negated.
    """
    if not message:
        return NO_RISK
    lowered = language.normalise(message)
    if _past_and_resolved(lowered):
        return NO_RISK
    found: List[_Category] = []
    saw_negated = False
    for category in _CATEGORIES:
        if category.unless is not None and category.unless.search(lowered):
            continue
        if any(p.search(lowered) for p in category.inherent):
            found.append(category)
            continue
        starts = [m.start() for p in category.patterns for m in p.finditer(lowered)]
        if any(not _is_negated(lowered, start) for start in starts):
            found.append(category)
        elif starts:
            saw_negated = True
    if not found:
        return Risk(negated_only=saw_negated)
    kind = _lead_kind([c.kind for c in found])
    levels = [_level(c.kind, lowered, c.imminent) for c in found]
    level = IMMINENT if IMMINENT in levels else CONCERN
    return Risk(kind, level, tuple(c.name for c in found))


def combine(results: Sequence[Risk]) -> Risk:
    """One verdict for several pieces of a message: the most urgent kind, the highest level."""
    flagged = [r for r in results if r.at_risk]
    if not flagged:
        return Risk(negated_only=any(r.negated_only for r in results))
    kind = _lead_kind([r.kind for r in flagged if r.kind])
    level = IMMINENT if any(r.level == IMMINENT for r in flagged) else CONCERN
    categories = tuple(dict.fromkeys(c for r in flagged for c in r.categories))
    return Risk(kind, level, categories)


# The classifier's crisis intent of a kind alarms when it is among the top three intents
# with at least this confidence. Chosen on the shipped pipeline's parses of the six
# development risk sets (tests/safety/risk_dev*.yml: 724 danger messages, 441 look-alikes)
# and the 350 situation messages of tests/nlu by `python -m bench.safety --tune-thresholds`:
# the most recall with at most 3% false alarms on the look-alikes and none on the
# situations, ties to the higher thresholds. With the sixth part no grid point keeps to 3%
# (its look-alikes draw the model's alarms: toddlers, colic, a game's "I'm gonna kill
# you"), so the rule's fallback cap of 5% chose these, on the model trained with the round-8
# crisis lines and the polite look-alikes: dev recall 685/724 (imminent 279/287),
# look-alike alarms 21/441. A 10% cap would reach 695/724 (imminent 283/287) with 43.
CRISIS_THRESHOLDS = {"self_harm": 0.65, "abuse": 0.7, "child": 0.8}
CRISIS_TOP_K = 3


def model_kind(ranking: Sequence[Mapping[str, Any]]) -> Optional[str]:
    """The risk kind the classifier's ranking puts high enough to act on, if any."""
    ranked = [r for r in ranking if r.get("name") != "nlu_fallback"][:CRISIS_TOP_K]
    for entry in ranked:
        kind = parse_crisis_intent(entry.get("name"))
        if kind and float(entry.get("confidence") or 0.0) >= CRISIS_THRESHOLDS[kind]:
            return kind
    return None


# Danger the lexicon reads as a concern is answered as imminent when the classifier's
# level model (components/intent_classifier.py) gives it at least this imminence. Chosen
# on the six development risk sets by `python -m bench.safety --tune-level`: the fewest
# wrong levels among flagged dev messages, an emergency answered as a concern counting
# three times, ties to the higher threshold: 637 of the 686 flagged danger messages at the
# right level, imminent ones answered as imminent 275/280 (0.35: 632 and 277).
IMMINENCE_THRESHOLD = 0.4


def assess(message: Optional[str], ranking: Sequence[Mapping[str, Any]],
           sentences: Optional[Sequence[str]] = None,
           imminence: Optional[float] = None) -> Risk:
    """Decide the risk of one message from the lexicon and the classifier together.

    Args:
        message: the whole message.
        ranking: the classifier's intent ranking (dicts with `name` and `confidence`).
        sentences: the message split into sentences; each is screened on its own so a
            negation never reaches into the next one, and the whole message is used for
            the level (a time in one sentence, the plan in another).
        imminence: the classifier's level model's probability that danger in the message
            is imminent, if it has one.

    Returns:
        The lexicon's verdict when it finds danger; else the classifier's crisis kind at
        `concern` (or `imminent` with a time, means or plan in the message, or an
        imminence of at least IMMINENCE_THRESHOLD), unless the only danger words in the
        message were clearly negated.
    """
    risk = _assess(message, ranking, sentences)
    if risk.level == CONCERN and imminence is not None and \
            imminence >= IMMINENCE_THRESHOLD:
        return Risk(risk.kind, IMMINENT, risk.categories + ("imminence",))
    return risk


def _assess(message: Optional[str], ranking: Sequence[Mapping[str, Any]],
            sentences: Optional[Sequence[str]]) -> Risk:
    # Each sentence on its own, so a negation never reaches into the next one; and the whole
    # message, for danger told across sentences ("my niece... she's always starving").
    lowered = language.normalise(message or "")
    if _past_and_resolved(lowered):
        return NO_RISK
    pieces = [screen(s) for s in sentences or ()] + [screen(message)]
    result = combine(pieces)
    if result.at_risk:
        kind = result.kind or model_kind(ranking)
        level = result.level if result.level == IMMINENT or not kind \
            else _level(kind, lowered, False)
        return Risk(kind, level, result.categories)
    if result.negated_only:
        return result
    kind = model_kind(ranking)
    if kind is None:
        return NO_RISK
    return Risk(kind, _level(kind, lowered, False), ("model",))


__all__ = ["IMMINENT", "CONCERN", "RISK_KINDS", "Risk", "NO_RISK", "screen", "combine",
           "assess", "model_kind"]
