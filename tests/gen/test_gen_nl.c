/* SPDX-License-Identifier: BSD-3-Clause */
/* National language tables through the generator's TPDU encoder and back
 * through the decoder: text → septets with a locking / single shift pair
 * (TS 23.038 §6.2.1.2, Annex A) → SMS-SUBMIT / SMS-DELIVER with the UDH IEs
 * 0x25 and 0x24 (TS 23.040 §9.2.3.24.15/16) beside a concatenation IE,
 * fill bits and all → tpdu_decode → the same text. */
#include <string.h>

#include "sf_test.h"

#include "gen.h"
#include "decode/tpdu.h"
#include "text/gsm7.h"

static const struct {
	uint8_t lock, single;
	const char *text;
} cases[] = {
	/* Hindi: Devanagari from A.3.6, "OTP" and the danda from A.2.6 */
	{ SF_NL_HINDI, SF_NL_HINDI, "आपका बैंक खाता बंद कर दिया गया है। तुरंत OTP बताएं" },
	/* Bengali, with Bengali digits and ৎ from the single shift table */
	{ SF_NL_BENGALI, SF_NL_BENGALI, "আপনার ব্যাংক একাউন্ট বন্ধ হয়েছে, ৯৫৫৮৮ নম্বরে কল করুন" },
	{ SF_NL_GUJARATI, SF_NL_GUJARATI, "તમારું બેંક ખાતું બંધ છે" },
	{ SF_NL_KANNADA, SF_NL_KANNADA, "ನಿಮ್ಮ ಬ್ಯಾಂಕ್ ಖಾತೆ ಡಿ ಬಂದ್" },
	{ SF_NL_MALAYALAM, SF_NL_MALAYALAM, "നിങ്ങളുടെ ബാങ്ക് അക്കൗണ്ട്" },
	{ SF_NL_ORIYA, SF_NL_ORIYA, "ଆପଣଙ୍କ ବ୍ୟାଙ୍କ ଖାତା" },
	{ SF_NL_PUNJABI, SF_NL_PUNJABI, "ਤੁਹਾਡਾ ਬੈਂਕ ਖਾਤਾ ਬੰਦ ਹੈ" },
	{ SF_NL_TAMIL, SF_NL_TAMIL, "உங்கள் வங்கி கணக்கு முடக்கப்பட்டது" },
	{ SF_NL_TELUGU, SF_NL_TELUGU, "మీ బ్యాంక్ ఖాతా మూసివేయబడింది" },
	{ SF_NL_URDU, SF_NL_URDU, "آپ کا بینک کھاتہ بند ہے۔" },
	/* mixed: Urdu letters with the Hindi single shift table's digits */
	{ SF_NL_URDU, SF_NL_HINDI, "بینک ९५५८८" },
	{ SF_NL_TURKISH, SF_NL_TURKISH, "Hesabınız donduruldu, şifrenizi girin" },
	{ SF_NL_PORTUGUESE, SF_NL_PORTUGUESE, "Sua conta foi bloqueada, ligue já" },
	{ 0, SF_NL_SPANISH, "Su cuenta está bloqueada, llame ahora" },
};

static void round_trip(uint8_t mti, int concat)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t sep[200], udh[16], out[200];
		size_t u = 0;
		struct tpdu_in t;
		struct tpdu_view v;
		char text[400];
		uint32_t bad = 0;
		int n = gsm7_from_utf8_nl(cases[i].text, strlen(cases[i].text), cases[i].lock, cases[i].single,
					  sep, sizeof sep);
		int k;

		CHECK(n > 0);
		if (n <= 0)
			continue;
		if (concat)
			u = udh_concat(udh, 0, 0x42, 2, 1);
		udh[u++] = SF_UDH_NL_LOCKING_SHIFT;	/* §9.2.3.24.16 */
		udh[u++] = 1;
		udh[u++] = cases[i].lock;
		udh[u++] = SF_UDH_NL_SINGLE_SHIFT;	/* §9.2.3.24.15 */
		udh[u++] = 1;
		udh[u++] = cases[i].single;
		memset(&t, 0, sizeof t);
		t.mti = mti;
		t.addr = "919812345678";
		t.addr_toa = 0x91;
		t.udh = udh;
		t.udh_len = u;
		t.ud = sep;
		t.ud_len = (size_t)n;
		t.ud_septets = 1;
		k = tpdu_encode(out, sizeof out, &t);
		CHECK(k > 0);
		if (k <= 0)
			continue;
		CHECK_INT(tpdu_decode(out, (size_t)k, mti == SF_TP_MTI_SUBMIT ? SF_DIR_MO : SF_DIR_MT, &v), SF_OK);
		CHECK_INT(v.nl_locking, cases[i].lock);
		CHECK_INT(v.nl_single, cases[i].single);
		CHECK_INT(v.nl_unknown, 0);
		CHECK_INT(v.has_concat, concat);
		CHECK_INT(v.fill_bits, concat ? 2 : 0);	/* TS 23.040 §9.2.3.24 */
		CHECK_INT(v.text_septets, n);
		CHECK_INT(tpdu_text_utf8(&v, text, sizeof text, &bad), (int)strlen(cases[i].text));
		CHECK_STR(text, cases[i].text);
		CHECK_INT(bad, 0);
	}
}

static void test_submit_round_trip(void)
{
	round_trip(SF_TP_MTI_SUBMIT, 0);	/* UDHL + 6 octets of UDH: no fill bits */
	round_trip(SF_TP_MTI_SUBMIT, 1);	/* UDHL + 11 octets: 2 fill bits */
}

static void test_deliver_round_trip(void)
{
	round_trip(SF_TP_MTI_DELIVER, 0);
	round_trip(SF_TP_MTI_DELIVER, 1);
}

int main(void)
{
	RUN(test_submit_round_trip);
	RUN(test_deliver_round_trip);
	return TEST_SUMMARY();
}
