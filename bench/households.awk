# households.awk - a synthetic household sample for bench/compare's large run, made without R
# (fast enough for millions of rows): awk -v cities=N -v seed=S -f bench/households.awk
# cities x 20 communities (PSUs, 200 per city) x 50 households; weight 400 x U(0.5, 1.5);
# y1..y5 continuous; sex 1-2; cat4 1-4; age band 1-6 (a function of the position only, so
# the other columns are those of the same seed before it was added).
BEGIN {
    srand(seed ? seed : 20240508)
    print "city,psu,hh,fpc1,w,y1,y2,y3,y4,y5,sex,cat4,age"
    for (c = 1; c <= cities; c++) {
        level = 50 + 20 * rand()
        for (p = 1; p <= 20; p++) {
            eff = 5 * rand() - 2.5
            for (h = 1; h <= 50; h++) {
                u = rand()
                printf "%d,%d,%d,200,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%d,%d,%d\n", c, p, h,
                    400 * (0.5 + rand()), level + eff + 10 * rand(), level + eff + 10 * rand(),
                    level + 10 * rand(), level + 10 * rand(), 10 * rand(), 1 + int(2 * rand()),
                    u < 0.4 ? 1 : u < 0.7 ? 2 : u < 0.9 ? 3 : 4, 1 + (7 * h + 3 * p + c) % 6
            }
        }
    }
}
