/* SPDX-License-Identifier: BSD-3-Clause */
/* Text pools for the generator: built-in example texts written for this
 * project (Chinese and English ham, ads, fraud, illegal offers, operator
 * and bank notices, verification codes, fake-base-station spoofs) and
 * corpus files in the label<TAB>...<TAB>text format. All numbers, names
 * and domains in the built-ins are made up. */
#include <stdlib.h>

#include "gen.h"
#include "text/ucs2.h"

/* ---- built-in texts ---------------------------------------------- */

struct builtin {
	enum text_pool pool;
	const char *cls;
	const char *text;
};

/* {code}: six random digits, {n4}: four random digits (filled per message). */
static const struct builtin builtins[] = {
	/* ham: ordinary person-to-person messages */
	{ POOL_HAM, NULL, "妈，我周六晚上七点到家，不用等我吃饭。" },
	{ POOL_HAM, NULL, "明天上午十点在三楼会议室开项目周会，请带上笔记本。" },
	{ POOL_HAM, NULL, "快递已经放在小区门口的丰巢柜里了，取件码在短信里。" },
	{ POOL_HAM, NULL, "今天降温了，出门记得多穿一件外套。" },
	{ POOL_HAM, NULL, "我到楼下了，你下来吧，车停在路边。" },
	{ POOL_HAM, NULL, "晚上一起吃火锅吗？老地方，六点半。" },
	{ POOL_HAM, NULL, "报告我已经发到你邮箱了，有问题随时打电话。" },
	{ POOL_HAM, NULL, "孩子的家长会改到下周三下午三点，记得请假。" },
	{ POOL_HAM, NULL, "生日快乐！祝你新的一岁工作顺利，身体健康，天天开心。" },
	{ POOL_HAM, NULL, "高铁晚点二十分钟，大概九点四十到站，别着急。" },
	{ POOL_HAM, NULL, "周末去爬山的计划不变，早上七点在地铁站B口集合，记得带水和干粮，山上风大，多带件衣服。天气预报说下午可能有小雨，雨伞也带上吧。回来的路上可以顺便去吃那家农家菜，我已经打电话订好了位子。" },
	{ POOL_HAM, NULL, "收到，谢谢！" },
	{ POOL_HAM, NULL, "好的，我马上过来 😊" },
	{ POOL_HAM, NULL, "Running late, be there in 10 min. Order me a coffee please!" },
	{ POOL_HAM, NULL, "Dinner is 20€ per person [drinks incl.] - reply {YES} or {NO} by Friday ~ thanks" },
	{ POOL_HAM, NULL, "Meeting moved to room 3|B at 10:00, bring the Q3 report^2 copies." },
	{ POOL_HAM, NULL, "Dear all, a reminder for Saturday: we meet at 9:00 at the north gate of the park. Bring water, a hat and 15€ for lunch {we booked the place by the lake}. If it rains [check the forecast on Friday evening] we move to the museum instead, tickets are 12€ each. Parking costs 5€ per car ~ please share cars if you can. Questions? Reply here or call me after 18:00. See you!" },
	{ POOL_HAM, NULL, "Hi Anna, the flight lands at 18:45 at terminal 2. I'll wait at the exit with a sign. Call me if anything changes, my phone will be on all evening. See you soon!" },
	/* spam: unsolicited commercial advertising */
	{ POOL_SPAM, "commercial_ad", "【优品商城】双十一狂欢提前购，全场五折起，满300减50，点击 yp-mall.top/s11 立即抢购，回T退订" },
	{ POOL_SPAM, "commercial_ad", "【悦享健身】新店开业大酬宾！年卡原价3888元，现仅需988元，前100名再送私教课三节、运动毛巾一条。店内配备进口跑步机、动感单车、恒温泳池、桑拿房，另有瑜伽、搏击、普拉提等团课每天不间断。地址：滨江路66号悦享广场三楼，营业时间早六点至晚十一点。咨询热线400-000-0001，回T退订" },
	{ POOL_SPAM, "commercial_ad", "尊敬的会员，您的专属装修优惠券已到账，免费设计+量房，咨询热线400-000-0000，回TD退订" },
	{ POOL_SPAM, "commercial_ad", "【金悦楼盘】地铁口现房，首付15万起，买房送车位，周末看房送好礼，详询：一三八零零零零零零零零" },
	{ POOL_SPAM, "commercial_ad", "本店新到一批进口红酒，买二送一，限时三天，地址：幸福路88号，欢迎品鉴。" },
	{ POOL_SPAM, "commercial_ad", "亲，您购物车里的宝贝降价啦！今晚12点前下单再享8折，戳 m.shop-xx.cn 回T退订" },
	{ POOL_SPAM, "commercial_ad", "【速贷通】无抵押无担保，最高可借20万，当天放款，手机号即可申请，详情 sudai-tong.top 回T退订" },
	{ POOL_SPAM, "commercial_ad", "英语培训暑期班火热报名中，外教小班授课，前20名报名立减1000元，电话021-00000000" },
	{ POOL_SPAM, "commercial_ad", "FREE entry to our weekly draw! Text WIN to 80000 now. T&C apply, 18+ only. Stop? txt STOP" },
	/* fraud: impersonating banks, police, customer service, acquaintances */
	{ POOL_FRAUD, "fraud_impersonation", "【建设银行】您的信用卡因异常交易已被冻结，请立即登录 ccb-jd.xyz 验证身份解冻，逾期将影响征信。" },
	{ POOL_FRAUD, "fraud_impersonation", "【最高检通知】当事人您好：经查，您名下身份信息被不法分子冒用，开立的银行账户涉嫌参与跨境洗钱，涉案金额巨大，本院已对该账户启动资产冻结程序。为证明您的清白，请于今日18时前将名下所有存款转入国家安全清查账户进行资金核查，核查无误后48小时内全额退还。此案属于国家机密，请勿向家人、朋友及银行工作人员透露，否则将以妨碍司法公正追究刑事责任。案件编号：xx-{n4}，联系人：王检察官。" },
	{ POOL_FRAUD, "fraud_impersonation", "您好，我是市公安局刑侦大队民警，您的身份证涉嫌一起洗钱案件，请将名下资金转入安全账户配合调查，切勿告知他人。" },
	{ POOL_FRAUD, "fraud_impersonation", "我是你领导，明天上午到我办公室来一趟。先帮我转两万块钱给一个客户，账号等会发你，急用。" },
	{ POOL_FRAUD, "fraud_impersonation", "【快递理赔】您的包裹在运输中丢失，我司将三倍赔付，请添加理赔客服QQ 10000000 办理退款。" },
	{ POOL_FRAUD, "fraud_impersonation", "【社保中心】您的社保卡已停用，需重新激活，请点击 sb-gov.cc 填写银行卡信息完成认证。" },
	{ POOL_FRAUD, "fraud_impersonation", "爸，我手机掉了，这是我同学的号码。我在学校急需交一笔培训费三千元，你先转到这个卡上：6222 0000 0000 0000" },
	{ POOL_FRAUD, "fraud_impersonation", "【网贷平台】您的学生贷未注销，将影响个人征信，请联系客服办理注销，需将借款额度转出验证。" },
	/* illegal: gambling/obscene, contraband, fake offers */
	{ POOL_ILLEGAL, "obscene_violent", "澳门线上娱乐城盛大开业，注册即送88元彩金，百家乐、老虎机日赢万元，网址 amyl-888.vip" },
	{ POOL_ILLEGAL, "contraband", "代开各类发票，增值税专用发票可验证，点数低，电话一三九零零零零零零零零 王经理" },
	{ POOL_ILLEGAL, "contraband", "出售高仿证件、迷魂药，货到付款，加微信 xx0000 详聊" },
	{ POOL_ILLEGAL, "fake_offer", "恭喜您的号码在《星光大道》幸运观众抽奖中获得二等奖，奖金8.8万元及笔记本电脑一台，请登录 xgdd-cj.top 领取，验证码{n4}" },
	{ POOL_ILLEGAL, "fake_offer", "诚招网络兼职刷单，每单佣金5%-10%，日结200-500元，在家即可操作，加QQ 20000000 咨询" },
	/* operator notices from 10086 (sent by the operator's SMSC) */
	{ POOL_NOTICE_10086, NULL, "【中国移动】尊敬的客户，截至今日您本月套餐内剩余国内流量2.35GB，剩余通话120分钟。" },
	{ POOL_NOTICE_10086, NULL, "【中国移动】尊敬的客户，为保障您的通信安全，请勿轻信冒充客服、公检法等人员的来电和短信，不要点击陌生链接，不要向任何人透露短信验证码。如有疑问请拨打10086咨询，谨防电信网络诈骗。" },
	{ POOL_NOTICE_10086, NULL, "【中国移动】您好，您本月账单已出，话费合计58.00元，感谢您的使用。" },
	{ POOL_NOTICE_10086, NULL, "【中国移动】您的验证码为{code}，有效期5分钟，请勿向他人泄露。" },
	/* bank notices from 955xx (sent through the bank's SMS gateway SMSC) */
	{ POOL_NOTICE_BANK, NULL, "【工商银行】您尾号{n4}卡11月22日14:30快捷支付支出128.50元，余额3,210.66元。" },
	{ POOL_NOTICE_BANK, NULL, "【招商银行】您账户{n4}于11月22日收到工资入账8,500.00元。" },
	{ POOL_NOTICE_BANK, NULL, "【建设银行】您的动态验证码为{code}，您正在进行网上转账，请勿泄露。" },
	/* one-time passwords from industry ports (106...) */
	{ POOL_OTP, NULL, "【某某出行】验证码{code}，用于登录，5分钟内有效。如非本人操作请忽略。" },
	{ POOL_OTP, NULL, "【云购APP】您的注册验证码是{code}，请在10分钟内完成验证。" },
	{ POOL_OTP, NULL, "【小象外卖】验证码：{code}，您正在绑定手机号，请勿转发。" },
	{ POOL_OTP, NULL, "Your verification code is {code}. It expires in 10 minutes." },
	/* fake base station texts spoofing 10086 and banks */
	{ POOL_SPOOF_10086, "fake_base_station", "【中国移动】尊敬的用户，您的话费积分3680即将清零，请登录 wap.10086-jfdh.top 兑换现金礼包。" },
	{ POOL_SPOOF_10086, "fake_base_station", "【10086】您的手机号实名认证未通过，将于24小时内停机，请登录 10086-rz.cc 重新认证。" },
	{ POOL_SPOOF_BANK, "fake_base_station", "【工商银行】您的电子密码器将于次日过期，请登录 www.icbc-mcu.cc 进行升级，给您带来不便敬请谅解。" },
	{ POOL_SPOOF_BANK, "fake_base_station", "【中国银行】您的账户积分可兑换现金386元，登录 boc-jf.top 领取，逾期作废。" },
};

/* ---- pools ------------------------------------------------------- */

struct pool {
	struct gen_text *v;
	size_t n, cap;
	int from_corpus;
};

struct text_db {
	struct pool pools[POOL__COUNT];
	char **files;		/* corpus file contents, kept for the texts */
	size_t nfiles;
};

static int pool_add(struct pool *p, const struct gen_text *t)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct gen_text *nv = realloc(p->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = *t;
	return 0;
}

struct text_db *text_db_new(void)
{
	struct text_db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		struct gen_text t = { builtins[i].text, NULL, NULL, builtins[i].cls,
				      (uint32_t)strlen(builtins[i].text) };

		if (pool_add(&db->pools[builtins[i].pool], &t) < 0) {
			text_db_free(db);
			return NULL;
		}
	}
	return db;
}

void text_db_free(struct text_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < POOL__COUNT; i++)
		free(db->pools[i].v);
	for (size_t i = 0; i < db->nfiles; i++)
		free(db->files[i]);
	free(db->files);
	free(db);
}

/*
 * label → pool: 1/spam → spam (or fraud for a fraud corpus), 0/ham → ham.
 * A fraud corpus's label 0 means "not fraud", not "ham": the telecom-fraud
 * set's "normal" class is mostly commercial advertising (5,742 of its 6,877
 * texts sent as ham were tagged as advertising by the starter rules), which
 * an operator tags. Those rows are not used.
 */
static int label_pool(const char *label, int fraud_corpus, const char **cls)
{
	if (!strcmp(label, "1") || !strcmp(label, "spam")) {
		*cls = fraud_corpus ? "fraud_impersonation" : "commercial_ad";
		return fraud_corpus ? POOL_FRAUD : POOL_SPAM;
	}
	if (!strcmp(label, "0") || !strcmp(label, "ham")) {
		*cls = NULL;
		return fraud_corpus ? -1 : POOL_HAM;
	}
	return -1;
}

long text_db_load(struct text_db *db, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *data, **nf;
	long size, rows = 0;
	const char *base = strrchr(path, '/');
	int fraud_corpus;
	uint8_t tmp[4096];

	base = base ? base + 1 : path;
	fraud_corpus = strstr(base, "fraud") != NULL;
	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		snprintf(err, errlen, "%s: cannot size", path);
		return -1;
	}
	data = malloc((size_t)size + 1);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) {
		free(data);
		fclose(f);
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	fclose(f);
	data[size] = 0;
	nf = realloc(db->files, (db->nfiles + 1) * sizeof(*nf));
	if (!nf) {
		free(data);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	db->files = nf;
	db->files[db->nfiles++] = data;

	for (char *line = data, *next; line && *line; line = next) {
		char *nl = strchr(line, '\n'), *tab, *last, *cat = NULL;
		const char *cls;
		int pool;
		size_t len;
		struct gen_text t;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = 0;
		last = strrchr(tab + 1, '\t');
		if (last) {	/* label<TAB>category...<TAB>text */
			*last = 0;
			cat = tab + 1;
			last++;
		} else {
			last = tab + 1;
		}
		pool = label_pool(line, fraud_corpus, &cls);
		if (pool < 0 || !*last)
			continue;
		/* control characters would not survive an SMS round trip as text */
		for (char *c = last; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' ';
		len = strlen(last);
		if (len > 2000 || ucs2_from_utf8(last, len, tmp, sizeof(tmp)) < 0)
			continue;	/* invalid UTF-8 or absurdly long */
		if (!db->pools[pool].from_corpus) {
			db->pools[pool].n = 0;	/* corpus rows replace the built-ins */
			db->pools[pool].from_corpus = 1;
		}
		t.text = last;
		t.label = line;
		t.category = cat;
		t.cls = cls;
		t.len = (uint32_t)len;
		if (pool_add(&db->pools[pool], &t) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		rows++;
	}
	return rows;
}

size_t text_db_count(const struct text_db *db, enum text_pool p)
{
	return db->pools[p].n;
}

const struct gen_text *text_db_pick(const struct text_db *db, enum text_pool p,
				    struct gen_rng *r)
{
	const struct pool *pl = &db->pools[p];

	return pl->n ? &pl->v[rng_below(r, (uint32_t)pl->n)] : NULL;
}

/* ---- scenario names ---------------------------------------------- */

static const char *const scn_names[SCN__COUNT] = {
	[SCN_HAM] = "ham", [SCN_SPAM] = "spam", [SCN_FRAUD] = "fraud",
	[SCN_ILLEGAL] = "illegal", [SCN_NOTICE] = "notice", [SCN_REPORT] = "report",
	[SCN_SHIELD] = "shield", [SCN_SHIELDED] = "shielded_delivery",
	[SCN_SPOOF] = "spoof", [SCN_FLOOD_FANOUT] = "flood_fanout",
	[SCN_FLOOD_TO_ONE] = "flood_to_one", [SCN_FLOOD_SAME_TEXT] = "flood_same_text",
	[SCN_WAP_PUSH] = "wap_push", [SCN_REPORT_TRICKY] = "report_tricky",
};

const char *gen_scn_name(enum gen_scn s)
{
	return (unsigned)s < SCN__COUNT ? scn_names[s] : "?";
}

int gen_scn_parse(const char *name)
{
	for (int i = 0; i < SCN__COUNT; i++)
		if (!strcmp(name, scn_names[i]))
			return i;
	return -1;
}
